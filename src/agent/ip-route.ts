// The routing table of the agent's network namespace, through iproute2. Our routes carry their own
// protocol number, so the agent can tell them from everyone else's and clear stale ones after a
// restart without touching routes it did not make.
import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';

/** "K" — an unassigned rtnetlink protocol number (see /etc/iproute2/rt_protos) marking k8ts routes. */
export const K8TS_ROUTE_PROTOCOL = 75;

export class IpRouteError extends Error {}

export interface Route {
  dst: string;
  via: string;
}

export async function listOwnRoutes(): Promise<Route[]> {
  const { stdout } = await promisify(execFile)('ip', ['-j', 'route', 'show', 'proto', String(K8TS_ROUTE_PROTOCOL)]);
  const routes = JSON.parse(stdout || '[]') as { dst: string; gateway?: string }[];
  return routes.map(r => ({ dst: r.dst, via: r.gateway ?? '' }));
}

export const replaceCommand = (r: Route) => `route replace ${r.dst} via ${r.via} proto ${K8TS_ROUTE_PROTOCOL}`;
export const deleteCommand = (dst: string) => `route del ${dst} proto ${K8TS_ROUTE_PROTOCOL}`;

/**
 * Runs iproute2 commands in one `ip -force -batch` (or `bridge -force -batch` for FDB entries): one
 * process however many nodes there are; resolves with the error text of each failed command, by index.
 */
export function runRouteCommands(commands: string[], tool: 'ip' | 'bridge' = 'ip'): Promise<Map<number, string>> {
  if (commands.length === 0) return Promise.resolve(new Map());
  return new Promise((resolve, reject) => {
    const p = spawn(tool, ['-force', '-batch', '-'], { stdio: ['pipe', 'ignore', 'pipe'] });
    let stderr = '';
    p.stderr.on('data', d => (stderr += d));
    p.on('error', err => reject(new IpRouteError(`cannot run ${tool}: ${err.message}`)));
    p.on('close', () => {
      // Each failure is reported as its error lines followed by "Command failed -:LINE".
      const failed = new Map<number, string>();
      let pending: string[] = [];
      for (const line of stderr.split('\n')) {
        const m = /^Command failed -:(\d+)$/.exec(line.trim());
        if (m) {
          failed.set(Number(m[1]) - 1, pending.join(' ').trim());
          pending = [];
        } else if (line.trim()) {
          pending.push(line.trim());
        }
      }
      resolve(failed);
    });
    p.stdin.end(commands.join('\n') + '\n');
  });
}
