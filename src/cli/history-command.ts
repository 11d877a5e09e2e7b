// `k8ts history KIND/NAME [-n NS]`: the recorded writes of one object, from the API server's
// history API (GET /apis/history.k8ts.io/v1/<object path>), with the caller's own credentials.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HISTORY_GROUP, HISTORY_VERSION } from '../api/history.js';
import { loadKubeconfig } from '../client/kubeconfig.js';
import { RestClient } from '../client/rest-client.js';
import { runCommand } from '../util/command.js';
import { clientKubeconfig } from './data-dir.js';
import { FlagError, parseFlags, usage } from './flags.js';
import { revisionTable, revisionYaml, type RevisionView } from './history-view.js';
import { kindNamePath, kubectlShortFlag, objectFlags } from './object-path-command.js';

const flags = {
  ...objectFlags,
  diff: { type: 'string', help: 'R1 R2: a unified diff of the YAML of two revisions' },
  revision: { type: 'string', help: 'the revision -o yaml prints' },
  output: { type: 'string', help: 'yaml: print one revision (--revision) as YAML (also -o)' },
  help: { type: 'bool', help: 'print this help' },
} as const;

const SUMMARY = 'Lists the recorded writes of an object (KIND/NAME): who made each, how and when.';

export async function runHistoryCommand(args: string[]): Promise<number> {
  const { flags: f, rest } = parseFlags(expandShortFlags(args), flags);
  if (f.help) { console.log(usage('history KIND/NAME', SUMMARY, flags)); return 0; }
  if (rest.length !== 1 || !rest[0].includes('/')) throw new FlagError('expected one KIND/NAME argument');
  const path = kindNamePath(`/apis/${HISTORY_GROUP}/${HISTORY_VERSION}`, rest[0], String(f.namespace));
  const client = new RestClient(loadKubeconfig(clientKubeconfig(f.kubeconfig)), 'k8ts-history');
  const withObjects = f.diff !== undefined || f.output !== undefined;
  const { revisions } = await client.request<{ revisions: RevisionView[] }>(path, { query: { objects: withObjects || undefined } });
  const find = (r: string) => {
    const found = revisions.find(rev => String(rev.revision) === r);
    if (!found?.object) throw new FlagError(`${rest[0]} has no revision ${r}`);
    return found.object;
  };
  if (f.diff !== undefined) {
    const [a, b] = String(f.diff).split(' ');
    process.stdout.write(await unifiedDiff(`revision ${a}`, revisionYaml(find(a), true), `revision ${b}`, revisionYaml(find(b), true)));
    return 0;
  }
  if (f.output !== undefined) {
    if (f.output !== 'yaml') throw new FlagError(`unsupported output format "${f.output}": only yaml`);
    if (f.revision === undefined) throw new FlagError('-o yaml needs --revision R');
    process.stdout.write(revisionYaml(find(String(f.revision)), false));
    return 0;
  }
  process.stdout.write(revisions.length ? revisionTable(revisions) : `No history found for ${rest[0]}.\n`);
  return 0;
}

/** -n NS and -o FMT as kubectl spells them; --diff R1 R2 takes two values, kept as "R1 R2". */
function expandShortFlags(args: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--diff') {
      if (args[i + 2] === undefined) throw new FlagError('--diff needs two revisions: --diff R1 R2');
      out.push('--diff', `${args[i + 1]} ${args[i + 2]}`);
      i += 2;
    } else out.push(kubectlShortFlag(arg));
  }
  return out;
}

/** `diff -u` of two texts; diff's exit status 1 only says they differ. */
async function unifiedDiff(labelA: string, a: string, labelB: string, b: string): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'k8ts-history-'));
  try {
    writeFileSync(join(dir, 'a'), a);
    writeFileSync(join(dir, 'b'), b);
    const { code, stdout, stderr } = await runCommand('diff', ['-u', '--label', labelA, '--label', labelB, join(dir, 'a'), join(dir, 'b')]);
    if (code > 1) throw new Error(`diff failed: ${stderr.trim()}`);
    return stdout;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
