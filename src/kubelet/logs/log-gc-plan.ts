// Which container logs on the node are garbage, and when they may go (pure; log-gc.ts carries it
// out). As upstream's container GC: a pod's log directory goes once the pod is deleted and none of
// its sandboxes is left (evictPodLogsDirectories), and a container's log files go once the
// container itself was removed (a restart's older dead instances, removed by the pod sync). Here
// the files are also the log shipper's buffer, so nothing is removed before the shipper has stored
// it to its end — but a shipper that cannot reach the server must not fill the disk either: past a
// bounded wait, the files go anyway.

/** A pod log directory as found on disk: its containers' log attempts by container name. */
export interface FoundPodLogs {
  /** The directory's name (`<namespace>_<pod>_<uid>`). */
  dir: string;
  uid: string;
  containers: Map<string, number[]>;
}

/** What the node still runs or keeps, read after the disk was scanned. */
export interface LogOwners {
  /** The pod still exists in the API (its logs stay, as upstream's, until it is deleted). */
  podExists(uid: string): boolean;
  /** Pod uids the runtime holds a sandbox of. */
  sandboxes: Set<string>;
  /** `<uid>/<container>/<attempt>` of every container the runtime holds. */
  containers: Set<string>;
}

export type LogGarbage =
  | { kind: 'pod'; dir: string; uid: string }
  | { kind: 'container'; dir: string; uid: string; container: string; attempt: number };

export const containerKey = (uid: string, container: string, attempt: number): string => `${uid}/${container}/${attempt}`;

/** The pod directories and container attempts whose owners are gone. */
export function logGarbage(found: FoundPodLogs[], owners: LogOwners): LogGarbage[] {
  const out: LogGarbage[] = [];
  for (const pod of found) {
    if (!owners.podExists(pod.uid) && !owners.sandboxes.has(pod.uid)) {
      out.push({ kind: 'pod', dir: pod.dir, uid: pod.uid });
      continue;
    }
    for (const [container, attempts] of pod.containers) {
      for (const attempt of attempts) {
        if (!owners.containers.has(containerKey(pod.uid, container, attempt))) out.push({ kind: 'container', dir: pod.dir, uid: pod.uid, container, attempt });
      }
    }
  }
  return out;
}

export interface RemovalPolicy {
  /** Logs are shipped: wait until they are stored (false with --disable-log-shipping). */
  waitForShipping: boolean;
  /** The longest wait for the shipper, counted from when the logs were first found garbage. */
  maxWaitMs: number;
}

/** Whether garbage found at `since` may be removed at `now`, its files being `shipped` or not. */
export function mayRemove(shipped: boolean, since: number, now: number, policy: RemovalPolicy): boolean {
  return !policy.waitForShipping || shipped || now - since >= policy.maxWaitMs;
}

/** Every live or rotated file of a container attempt among a container directory's entries. */
export function attemptFiles(names: string[], attempt: number): string[] {
  const live = `${attempt}.log`;
  return names.filter(n => n === live || n.startsWith(`${live}.`));
}

/** The attempts a container directory holds logs of. */
export function attemptsIn(names: string[]): number[] {
  const attempts = new Set<number>();
  for (const n of names) {
    const m = /^(\d+)\.log(?:\.|$)/.exec(n);
    if (m) attempts.add(Number(m[1]));
  }
  return [...attempts].sort((a, b) => a - b);
}
