// `k8ts etcd-member list|remove NAME`: the members of the embedded etcd cluster of a server started
// with --cluster-init, seen and changed through that server's own member (its data dir gives the
// client certificate). A server that stops, even for good, stays a member — as with k3s, whose
// servers leave the etcd cluster only when removed — so a server retired for good is removed here,
// from a server that stays: while it counts as a member, it counts in the quorum.
import type { EtcdMemberInfo } from '../storage/etcd/messages.js';
import { removeMemberByName } from '../storage/etcd/membership.js';
import { formatColumns } from '../util/columns.js';
import { defaultDataDir } from './data-dir.js';
import { embeddedEtcdClient, requireMemberRecord } from './embedded-etcd.js';
import { FlagError, parseFlags, usage, type FlagSpec } from './flags.js';

export const etcdMemberFlags: Record<string, FlagSpec> = {
  'data-dir': { type: 'string', default: defaultDataDir(), help: 'the data dir of a running server started with --cluster-init' },
  'help': { type: 'bool', help: 'show this help' },
};

const SUMMARY = 'Lists the members of the embedded etcd cluster, or removes one (`remove NAME`, run on another server) when its server is retired for good.';

/** As etcdctl's table: IDs in hex, the 64-bit values exactly. */
export function formatMemberTable(members: EtcdMemberInfo[]): string {
  return formatColumns([
    ['ID', 'STATUS', 'NAME', 'PEER ADDRS', 'CLIENT ADDRS', 'IS LEARNER'],
    ...members.map(m => [BigInt(m.ID).toString(16), m.name ? 'started' : 'unstarted', m.name, m.peerURLs.join(','), m.clientURLs.join(','), String(m.isLearner)]),
  ]);
}

export async function runEtcdMember(args: string[]): Promise<number> {
  const { flags, rest } = parseFlags(args, etcdMemberFlags);
  const [sub, ...names] = rest;
  if (flags.help || !sub) {
    console.log(usage('etcd-member list|remove NAME', SUMMARY, etcdMemberFlags));
    return flags.help ? 0 : 1;
  }
  const dataDir = String(flags['data-dir']);
  const record = requireMemberRecord(dataDir);
  if (sub !== 'list' && sub !== 'ls' && sub !== 'remove' && sub !== 'rm') throw new FlagError(`unknown etcd-member command "${sub}": must be list or remove`);
  if ((sub === 'remove' || sub === 'rm') && names.length !== 1) throw new FlagError('remove: name exactly one member (see `k8ts etcd-member list`)');
  const client = embeddedEtcdClient(dataDir, record);
  try {
    if (sub === 'list' || sub === 'ls') {
      console.log(formatMemberTable(await client.memberList()));
      return 0;
    }
    const [name] = names;
    // Removing the member this command talks through would cut this server off from the cluster.
    if (name === record.name) throw new FlagError(`${name} is this server's own member: remove it from another server`);
    if (!(await removeMemberByName(client, name))) throw new FlagError(`no etcd member named ${name} (see \`k8ts etcd-member list\`)`);
    console.log(`Removed etcd member ${name}`);
    return 0;
  } finally {
    client.close();
  }
}
