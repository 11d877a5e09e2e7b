// PID files that name a process precisely: "<pid> <start time>", the start time being field 22 of
// /proc/<pid>/stat (clock ticks since boot). A PID reused by an unrelated process after ours exited
// has another start time, so `k8ts killall` never signals a stranger.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The PID file of the `k8ts server` or `k8ts agent` using a data dir. */
export const pidFileOf = (dataDir: string) => join(dataDir, 'k8ts.pid');

export function processStartTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // "pid (comm) state ppid ..." — comm may hold spaces and parentheses, so split after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[0] === 'Z' ? undefined : fields[19];
  } catch {
    return undefined;
  }
}

export function writePidFile(path: string, pid = process.pid): void {
  writeFileSync(path, `${pid} ${processStartTime(pid) ?? ''}\n`);
}

export function removePidFile(path: string): void {
  rmSync(path, { force: true });
}

/** The PID in the file if that very process still runs, else undefined. */
export function livePid(path: string): number | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
  const [pidText, start] = text.trim().split(' ');
  const pid = Number(pidText);
  if (!Number.isInteger(pid) || pid <= 0 || !start) return undefined;
  return processStartTime(pid) === start ? pid : undefined;
}
