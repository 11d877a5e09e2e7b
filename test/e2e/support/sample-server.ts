// A sample server (`k8ts sample-apiserver`, `k8ts sample-conversion-webhook`) run on loopback by a
// test, serving with tls.crt and tls.key of a directory; ready once it logs the port it serves on.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { K8TS_BIN } from '../harness.js';

export interface SampleServer {
  proc: ChildProcess;
  port: number;
}

/** `k8ts <command>` on 127.0.0.1:`port` (0: any free one) with `dir`'s certificate, and `args` besides. */
export async function startSampleServer(command: string, dir: string, port: number, args: string[] = []): Promise<SampleServer> {
  const proc = spawn(process.execPath, [K8TS_BIN, command, ...args, '--tls-cert-file', join(dir, 'tls.crt'),
    '--tls-private-key-file', join(dir, 'tls.key'), '--secure-port', String(port), '--bind-address', '127.0.0.1'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  const served = await new Promise<number>((resolve, reject) => {
    proc.stderr!.on('data', d => {
      err += String(d);
      const m = /"msg":"serving","port":(\d+)/.exec(err);
      if (m) resolve(Number(m[1]));
    });
    proc.once('exit', code => reject(new Error(`${command} exited with ${code}: ${err}`)));
  });
  return { proc, port: served };
}

/** SIGTERM, then the exit; nothing when it is not running. */
export function stopSampleServer(server: SampleServer | undefined): Promise<void> {
  const proc = server?.proc;
  if (!proc || proc.exitCode !== null || proc.signalCode !== null) return Promise.resolve();
  return new Promise(resolve => {
    proc.once('exit', () => resolve());
    process.kill(proc.pid!, 'SIGTERM');
  });
}
