// `k8ts why KIND/NAME [-n NS] [-o json]`: why an object is as it is, from the API server's why API
// (GET /apis/why.k8ts.io/v1alpha1/<object path>), with the caller's own credentials.
import { StatusError } from '../api/errors.js';
import { loadKubeconfig } from '../client/kubeconfig.js';
import { RestClient } from '../client/rest-client.js';
import { WHY_GROUP, WHY_VERSION, type Explanation } from '../api/why.js';
import { clientKubeconfig } from './data-dir.js';
import { FlagError, parseFlags, usage } from './flags.js';
import { kindNamePath, kubectlShortFlag, objectFlags } from './object-path-command.js';
import { explanationText } from './why-view.js';

const flags = {
  ...objectFlags,
  output: { type: 'string', help: 'json: print the explanation document as the API returns it (also -o)' },
  help: { type: 'bool', help: 'print this help' },
} as const;

const SUMMARY = 'Explains why an object (KIND/NAME: pod/x, deploy/x, svc/x, deployment.apps/x) is as it is.';

export async function runWhyCommand(args: string[]): Promise<number> {
  const { flags: f, rest } = parseFlags(args.map(kubectlShortFlag), flags);
  if (f.help) { console.log(usage('why KIND/NAME', SUMMARY, flags)); return 0; }
  if (rest.length !== 1 || !rest[0].includes('/')) throw new FlagError('expected one KIND/NAME argument');
  if (f.output !== undefined && f.output !== 'json') throw new FlagError(`unsupported output format "${f.output}": only json`);
  const path = kindNamePath(`/apis/${WHY_GROUP}/${WHY_VERSION}`, rest[0], String(f.namespace));
  const client = new RestClient(loadKubeconfig(clientKubeconfig(f.kubeconfig)), 'k8ts-why');
  try {
    const explanation = await client.request<Explanation>(path);
    process.stdout.write(f.output === 'json' ? JSON.stringify(explanation, null, 2) + '\n' : explanationText(explanation));
    return 0;
  } catch (err) {
    if (!(err instanceof StatusError)) throw err;
    // As kubectl words a refusal: `Error from server (NotFound): pods "x" not found`.
    process.stderr.write(`Error from server (${err.reason}): ${err.message}\n`);
    return 1;
  } finally {
    client.close();
  }
}
