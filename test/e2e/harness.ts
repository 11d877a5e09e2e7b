// Starts a real `k8ts server` in a temporary data dir on a loopback port and drives it with the
// real kubectl. Every process is stopped by PID and every directory removed.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { INSTALL_ROOT } from '../../src/util/install-root.js';

export const REPO_ROOT = INSTALL_ROOT;
export const K8TS_BIN = join(REPO_ROOT, 'bin', 'k8ts.js');
export const KUBECTL = process.env.K8TS_KUBECTL ?? '/usr/bin/kubectl';

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface StartOptions {
  dataDir?: string;
  extraArgs?: string[];
  /** Run the server's embedded node agent (needs containerd); off by default so API tests run anywhere. */
  withAgent?: boolean;
  /** Network namespace path (/var/run/netns/NAME) to run the server — and kubectl — in. */
  netns?: string;
}

export class TestCluster {
  private constructor(
    readonly dataDir: string,
    readonly url: string,
    readonly kubeconfig: string,
    private readonly proc: ChildProcess,
    private readonly ownsDataDir: boolean,
    readonly logs: string[],
    readonly netns?: string,
  ) {}

  static async start(opts: StartOptions = {}): Promise<TestCluster> {
    const ownsDataDir = !opts.dataDir;
    const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'k8ts-e2e-'));
    const [cmd, ...prefix] = inNetns(opts.netns, process.execPath);
    const proc = spawn(cmd, [...prefix, K8TS_BIN, 'server', '--data-dir', dataDir, '--https-listen-port', '0', '--bind-address', '127.0.0.1', ...(opts.withAgent ? [] : ['--disable-agent']), ...(opts.extraArgs ?? [])], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const logs: string[] = [];
    proc.stderr!.on('data', d => logs.push(String(d)));
    const started = new Promise<{ url: string; kubeconfig: string }>((resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => reject(new Error(`k8ts server did not start:\n${out}\n${logs.join('')}`)), 60_000);
      proc.stdout!.on('data', d => {
        out += String(d);
        const u = out.match(/running at (\S+)/);
        const k = out.match(/kubeconfig: (\S+)/);
        if (u && k) {
          clearTimeout(timer);
          resolve({ url: u[1], kubeconfig: k[1] });
        }
      });
      proc.once('exit', code => {
        clearTimeout(timer);
        reject(new Error(`k8ts server exited with ${code}:\n${out}\n${logs.join('')}`));
      });
    });
    try {
      const { url, kubeconfig } = await started;
      return new TestCluster(dataDir, url, kubeconfig, proc, ownsDataDir, logs, opts.netns);
    } catch (err) {
      // A server that never came up still leaves nothing behind: its process and its data dir.
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
      if (ownsDataDir) rmSync(dataDir, { recursive: true, force: true });
      throw err;
    }
  }

  get pid(): number {
    return this.proc.pid!;
  }

  kubectl(args: string[], input?: string, env: Record<string, string> = {}): Promise<RunResult> {
    const [cmd, ...argv] = this.kubectlCommand(args);
    return run(cmd, argv, input, env);
  }

  /** The command line running kubectl against this cluster (inside its netns, if any), for spawning. */
  kubectlCommand(args: string[]): string[] {
    // Its own discovery cache: kubectl's default one is keyed by host and port, and ports are reused
    // by the servers of other tests, whose API lists differ.
    return [...inNetns(this.netns, KUBECTL), '--kubeconfig', this.kubeconfig, '--cache-dir', join(this.dataDir, 'kubectl-cache'), ...args];
  }

  /** kubectl that must succeed; returns stdout. */
  async k(args: string[], input?: string): Promise<string> {
    const r = await this.kubectl(args, input);
    if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')} failed (${r.code}): ${r.stderr}${r.stdout}`);
    return r.stdout;
  }

  /** Stops the server: SIGTERM (graceful) or SIGKILL (crash). Keeps the data dir when `keepData`. */
  async stop(signal: NodeJS.Signals = 'SIGTERM', keepData = false): Promise<void> {
    if (this.proc.exitCode === null && this.proc.signalCode === null) {
      const exited = new Promise(resolve => this.proc.once('exit', resolve));
      process.kill(this.proc.pid!, signal);
      await exited;
    }
    if (this.ownsDataDir && !keepData) rmSync(this.dataDir, { recursive: true, force: true });
  }
}

/** `nsenter --net=PATH -- cmd` (network namespace only, as the test network rule asks) or just `cmd`. */
export function inNetns(netns: string | undefined, cmd: string): string[] {
  return netns ? ['nsenter', `--net=${netns}`, '--', cmd] : [cmd];
}

export function run(cmd: string, args: string[], input?: string, env: Record<string, string> = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const p = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', d => (stdout += d));
    p.stderr.on('data', d => (stderr += d));
    p.on('error', reject);
    p.on('close', code => resolve({ code: code ?? 1, stdout, stderr }));
    // A command that exits without reading its stdin (e.g. `ip link show` of a missing device) makes
    // this write fail with EPIPE; its exit code and output are what matter.
    p.stdin.on('error', () => {});
    p.stdin.end(input ?? '');
  });
}

/** Polls until `check` returns a truthy value or the deadline passes. */
export async function eventually<T>(check: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 20_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${last}` : ''}`);
    await new Promise(r => setTimeout(r, 100));
  }
}
