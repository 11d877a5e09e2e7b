// Where a server's embedded etcd member (`k8ts server --cluster-init`) keeps its files under the
// data dir, and stopping a member its server left running (killed before it could stop it): the
// server on its next start, `k8ts killall` and `k8ts etcd-snapshot restore` all find it here.
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { livePid, removePidFile } from '../../util/pid-file.js';

/** Where the embedded member's files live under the data dir. */
export function embeddedEtcdPaths(dataDir: string) {
  const tls = join(dataDir, 'tls', 'etcd');
  return {
    dataDir: join(dataDir, 'etcd'),
    /** etcd's own --data-dir. */
    memberData: join(dataDir, 'etcd', 'data'),
    tlsDir: tls,
    caFile: join(dataDir, 'tls', 'ca.crt'),
    serverCert: join(tls, 'server.crt'),
    serverKey: join(tls, 'server.key'),
    clientCert: join(tls, 'client.crt'),
    clientKey: join(tls, 'client.key'),
    nameFile: join(dataDir, 'etcd', 'name'),
    /** The running member's PID (and start time), so a member left by a killed server is found. */
    pidFile: join(dataDir, 'etcd', 'etcd.pid'),
    /** The member's name and URLs as last started, for `k8ts etcd-snapshot`. */
    recordFile: join(dataDir, 'etcd', 'member.json'),
    logFile: join(dataDir, 'etcd.log'),
  };
}

/** Stops the member a previous server left running (killed before it could stop it), by its PID file. */
export async function stopLeftoverMember(dataDir: string): Promise<number | undefined> {
  const { pidFile } = embeddedEtcdPaths(dataDir);
  const pid = livePid(pidFile);
  if (pid === undefined) return undefined;
  signal(pid, 'SIGTERM');
  for (let waited = 0; livePid(pidFile) !== undefined; waited += 100) {
    if (waited >= 10_000) signal(pid, 'SIGKILL');
    await sleep(100);
  }
  removePidFile(pidFile);
  return pid;
}

/** Signals a process that may have exited meanwhile (its parent-death signal can take it any moment). */
function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
  }
}
