// A long-running child process (containerd, a registry) with its output appended to a log file,
// optionally inside a network namespace, stopped by its PID: SIGTERM, then SIGKILL after a grace
// period.
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';

export const NETNS_DIR = '/var/run/netns';

export interface DaemonOptions {
  command: string;
  args: string[];
  logFile: string;
  /** Name of a network namespace under /var/run/netns to run in. */
  netns?: string;
  env?: NodeJS.ProcessEnv;
  /**
   * The kernel kills the daemon (SIGKILL) when this process dies, even by SIGKILL or a crash
   * (util-linux `setpriv --pdeathsig`, which sets it and execs, so the PID stays the daemon's).
   * The death signal follows the spawning thread: Node spawns from its main thread, which lives as
   * long as the process.
   */
  dieWithParent?: boolean;
}

export class Daemon {
  /** Resolves with the exit code (or signal name) once the process has exited. */
  readonly exited: Promise<number | string>;

  private constructor(private readonly child: ChildProcess, readonly pid: number, readonly logFile: string, readonly description: string) {
    this.exited = new Promise(resolve => {
      if (child.exitCode !== null || child.signalCode !== null) resolve(child.exitCode ?? child.signalCode!);
      else child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown'));
    });
  }

  static start(opts: DaemonOptions): Daemon {
    // Enter only the network namespace (nsenter --net). `ip netns exec` would also remount /sys,
    // which hides the cgroup mounts from runc. nsenter execs the command, so the PID is the daemon's.
    const daemonArgv = [...(opts.dieWithParent ? ['setpriv', '--pdeathsig', 'KILL', '--'] : []), opts.command, ...opts.args];
    const [command, ...args] = opts.netns ? ['nsenter', `--net=${NETNS_DIR}/${opts.netns}`, '--', ...daemonArgv] : daemonArgv;
    const log = openSync(opts.logFile, 'a');
    try {
      const child = spawn(command, args, { stdio: ['ignore', log, log], env: opts.env ?? process.env });
      if (child.pid === undefined) throw new Error(`cannot start ${opts.command}`);
      return new Daemon(child, child.pid, opts.logFile, [opts.command, ...opts.args].join(' '));
    } finally {
      closeSync(log); // the child holds its own copy
    }
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** SIGTERM, then SIGKILL if still running after `graceMs`. Resolves once it has exited. */
  async stop(graceMs = 10_000): Promise<void> {
    if (!this.running) return;
    this.child.kill('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    const killed = new Promise<void>(resolve => {
      timer = setTimeout(() => {
        if (this.running) this.child.kill('SIGKILL');
        resolve();
      }, graceMs);
    });
    await Promise.race([this.exited, killed]);
    clearTimeout(timer);
    await this.exited;
  }

  /** The last `bytes` of the log, for error messages. */
  logTail(bytes = 4000): string {
    try {
      const text = readFileSync(this.logFile, 'utf8');
      return text.slice(-bytes);
    } catch {
      return '';
    }
  }
}
