// The contents of a secret a CSI call carries (CreateVolume, ControllerPublishVolume, ...): the
// sidecars read it with their own credentials at call time and pass the decoded key/value pairs.
import type { SecretReference } from '../../api/types/generated.js';
import type { RestClient } from '../../client/rest-client.js';
import { objectPath, R } from '../../client/resources.js';
import type { Secret } from './types.js';

export async function secretValues(client: RestClient, ref: SecretReference | undefined): Promise<Record<string, string>> {
  if (!ref?.name) return {};
  const secret = await client.get<Secret>(objectPath(R.secrets, ref.namespace, ref.name));
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(secret.data ?? {})) out[k] = Buffer.from(v, 'base64').toString('utf8');
  for (const [k, v] of Object.entries(secret.stringData ?? {})) out[k] = v;
  return out;
}
