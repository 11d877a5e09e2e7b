// Growing and shrinking an etcd cluster from inside it, as k3s's joining servers do: a new member
// is added as a learner (it receives the log but does not vote, so a slow or failed join cannot
// cost the cluster its quorum), started with --initial-cluster-state=existing, and promoted to a
// voter once etcd says its log has caught up with the leader's.
import { setTimeout as sleep } from 'node:timers/promises';
import { StorageError } from '../types.js';
import { EtcdError, type EtcdClient } from './client.js';
import type { EtcdMemberInfo } from './messages.js';

/** etcd's ErrLearnerNotReady: the learner's log is still behind the leader's. */
const LEARNER_NOT_READY = 'can only promote a learner member which is in sync with leader';
/** etcd's ErrMemberNotLearner: promoted already (e.g. by an earlier attempt whose answer was lost). */
const NOT_LEARNER = 'can only promote a learner member';

/** etcd's ErrUnhealthy, from its strict reconfiguration check. */
const UNHEALTHY = 'etcdserver: unhealthy cluster';

export class MembershipError extends StorageError {}

export interface AddedLearner {
  id: string;
  /** `--initial-cluster` for the new member: every member's `name=peerURL`, the new one under `name`. */
  initialCluster: string;
}

/**
 * Adds a learner listening for peers on `peerUrl`, named `name` once it starts. A member already
 * registered with that peer URL (a join that stopped before its member started) is reused, since
 * etcd refuses a second member on the same URL. "unhealthy cluster" (just after another member
 * joined) is waited out for up to `timeoutMs`.
 */
export async function addLearner(client: EtcdClient, name: string, peerUrl: string, timeoutMs = 30_000, retryMs = 500): Promise<AddedLearner> {
  const existing = (await client.memberList()).find(m => m.peerURLs.includes(peerUrl));
  if (existing && existing.name !== '' && existing.name !== name) {
    throw new MembershipError(`etcd member ${existing.name} (${existing.ID}) already uses peer URL ${peerUrl}`);
  }
  const { member, members } = existing
    ? { member: existing, members: await client.memberList() }
    : await whileUnhealthy(() => client.memberAdd([peerUrl], true), timeoutMs, retryMs);
  return { id: member.ID, initialCluster: initialCluster(members, member.ID, name) };
}

/**
 * Runs a membership change, retrying etcd's "unhealthy cluster" refusal (its strict reconfiguration
 * check: every member must have been connected for 5 s, which fails just after a member joined or
 * restarted) for up to `timeoutMs`.
 */
async function whileUnhealthy<T>(change: () => Promise<T>, timeoutMs: number, retryMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await change();
    } catch (err) {
      if (!(err instanceof EtcdError) || err.details !== UNHEALTHY || Date.now() > deadline) throw err;
      await sleep(retryMs);
    }
  }
}

function initialCluster(members: EtcdMemberInfo[], newId: string, newName: string): string {
  return members.flatMap(m => m.peerURLs.map(url => `${m.ID === newId ? newName : m.name}=${url}`)).join(',');
}

/** Promotes the learner, retrying while etcd reports it not yet in sync, for up to `timeoutMs`. */
export async function promoteWhenInSync(client: EtcdClient, id: string, timeoutMs = 120_000, retryMs = 500): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await client.memberPromote(id);
      return;
    } catch (err) {
      if (!(err instanceof EtcdError)) throw err;
      if (err.details.includes(LEARNER_NOT_READY)) {
        if (Date.now() > deadline) throw new MembershipError(`etcd learner ${id} did not catch up with the leader within ${timeoutMs} ms`);
        await sleep(retryMs);
        continue;
      }
      if (err.details === `etcdserver: ${NOT_LEARNER}`) return;
      throw err;
    }
  }
}

/**
 * Removes the member named `name`; false when no member has that name. etcd refuses ("unhealthy
 * cluster") while the members that would remain have not all been connected for its health interval
 * (5 s), e.g. just after a member joined or restarted: that refusal is retried for up to `timeoutMs`.
 */
export async function removeMemberByName(client: EtcdClient, name: string, timeoutMs = 30_000, retryMs = 500): Promise<boolean> {
  const member = (await client.memberList()).find(m => m.name === name);
  if (!member) return false;
  await whileUnhealthy(() => client.memberRemove(member.ID), timeoutMs, retryMs);
  return true;
}
