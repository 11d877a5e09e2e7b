// Runs a system command (iptables, nft, ipset, conntrack, ...) with optional stdin, in this
// process's network namespace or, given `netns` (a path under /var/run/netns), in that one through
// nsenter. It reports how the command ended; callers decide which exits are errors.
import { spawn } from 'node:child_process';

export interface CommandResult { code: number; stdout: string; stderr: string }

export class CommandStartError extends Error {}

export function runCommand(command: string, args: string[], o: { input?: string; netns?: string } = {}): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const p = o.netns
      ? spawn('nsenter', [`--net=${o.netns}`, '--', command, ...args], { stdio: ['pipe', 'pipe', 'pipe'] })
      : spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', d => (stdout += d));
    p.stderr.on('data', d => (stderr += d));
    p.on('error', err => reject(new CommandStartError(`cannot run ${command}: ${err.message}`)));
    p.on('close', code => resolve({ code: code ?? -1, stdout, stderr }));
    // A command that fails early closes its stdin; the exit code says why.
    p.stdin.on('error', () => undefined);
    p.stdin.end(o.input ?? '');
  });
}
