// Runs `k8ts sim-nodes` as a child process (its own core's worth of event loop), by importing the
// built command directly so the benchmark does not depend on the CLI dispatch.
import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const COMMAND = join(dirname(fileURLToPath(import.meta.url)), '..', 'src', 'cli', 'sim-nodes-command.js');

export function spawnSimNodes(args: string[]): ChildProcess {
  const script = `import(${JSON.stringify(COMMAND)}).then(m => m.runSimNodesCommand(${JSON.stringify(args)})).then(c => process.exit(c), e => { console.error(e); process.exit(1); });`;
  return spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'ignore', 'inherit'] });
}

export async function stopProcess(p: ChildProcess): Promise<void> {
  if (p.exitCode !== null || p.signalCode !== null) return;
  const exited = new Promise(r => p.once('exit', r));
  p.kill('SIGTERM');
  await exited;
}
