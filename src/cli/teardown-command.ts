// `k8ts killall` and `k8ts uninstall`: tear down this machine's node (see agent/teardown.ts);
// uninstall then deletes the data dir. Run them in the network namespace the node runs in.
import { existsSync, rmSync } from 'node:fs';
import { killall } from '../agent/teardown.js';
import { mountsUnder } from '../util/mountinfo.js';
import { defaultDataDir } from './data-dir.js';
import { commandFlags, type FlagSpec } from './flags.js';

export const teardownFlags: Record<string, FlagSpec> = {
  'data-dir': { type: 'string', default: defaultDataDir(), help: 'the data dir of the server or agent to tear down' },
  'cgroup-root': { type: 'string', help: 'the pods\' parent cgroup (default: the one the agent recorded)' },
  'help': { type: 'bool', help: 'show this help' },
};

const SUMMARY = {
  killall: 'Stops the k8ts server/agent of a data dir with its containerd, pods and shims, and removes its pod network (cni0, VXLAN device, routes, CNI iptables chains), mounts, pod cgroups and pod IP allocations.',
  uninstall: 'Does killall, then deletes the data dir.',
};

export async function runTeardown(command: 'killall' | 'uninstall', args: string[]): Promise<number> {
  const flags = commandFlags(command, SUMMARY[command], args, teardownFlags);
  if (!flags) return 0;
  if (process.getuid?.() !== 0) {
    process.stderr.write(`k8ts ${command}: must run as root\n`);
    return 1;
  }
  const dataDir = String(flags['data-dir']);
  const errors = await killall({ dataDir, cgroupRoot: flags['cgroup-root'] as string | undefined, report: line => console.log(line) });
  for (const e of errors) process.stderr.write(`k8ts ${command}: ${e.message}\n`);
  if (errors.length) return 1;
  if (command === 'uninstall' && existsSync(dataDir)) {
    const left = mountsUnder(dataDir);
    if (left.length) {
      process.stderr.write(`k8ts uninstall: ${left.length} mounts left under ${dataDir} (first ${left[0]}); not removing it\n`);
      return 1;
    }
    rmSync(dataDir, { recursive: true, force: true });
    console.log(`removed ${dataDir}`);
  }
  return 0;
}
