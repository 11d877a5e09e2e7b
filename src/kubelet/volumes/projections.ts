// The files of API-data volumes (configMap, secret, downwardAPI, projected with service-account
// tokens) as upstream computes them: all keys or only the listed items, per-item modes over the
// volume's defaultMode (0644), optional sources that may be missing, and upstream's error texts
// for what must exist.
import type {
  ConfigMapProjection, ConfigMapVolumeSource, DownwardAPIVolumeFile, KeyToPath, SecretProjection, SecretVolumeSource,
  ServiceAccountTokenProjection, Volume,
} from '../../api/types/generated.js';
import { fieldValue, resourceValue, type NodeFacts } from '../downward-api.js';
import type { ObjectSource } from '../object-source.js';
import type { TokenSource } from '../token/token-manager.js';
import type { PodObject } from '../types.js';
import type { FileProjection } from './atomic-writer.js';
import { errorMessage } from '../../util/error-message.js';

/** A volume that cannot be set up yet; reported as a FailedMount event and retried. */
export class VolumeSetupError extends Error {}

export const DEFAULT_MODE = 0o644;

export interface ProjectionContext {
  pod: PodObject;
  node: NodeFacts;
  podIPs: string[];
  objects: ObjectSource;
  tokens: TokenSource;
}

type Files = Map<string, FileProjection>;

/** The files for an API-data volume, or undefined for other volume kinds. */
export async function volumeFiles(v: Volume, ctx: ProjectionContext): Promise<Files | undefined> {
  const files: Files = new Map();
  if (v.configMap) {
    await addConfigMap(files, v.configMap.name ?? '', v.configMap, v.configMap.defaultMode ?? DEFAULT_MODE, ctx);
  } else if (v.secret) {
    await addSecret(files, v.secret.secretName ?? '', v.secret, v.secret.defaultMode ?? DEFAULT_MODE, ctx);
  } else if (v.downwardAPI) {
    addDownward(files, v.downwardAPI.items ?? [], v.downwardAPI.defaultMode ?? DEFAULT_MODE, ctx);
  } else if (v.projected) {
    const mode = v.projected.defaultMode ?? DEFAULT_MODE;
    for (const s of v.projected.sources ?? []) {
      if (s.configMap) await addConfigMap(files, s.configMap.name ?? '', s.configMap, mode, ctx);
      else if (s.secret) await addSecret(files, s.secret.name ?? '', s.secret, mode, ctx);
      else if (s.downwardAPI) addDownward(files, s.downwardAPI.items ?? [], mode, ctx);
      else if (s.serviceAccountToken) await addToken(files, s.serviceAccountToken, mode, ctx);
      // clusterTrustBundle needs the (alpha) trust bundle API, which this API server does not
      // serve; such sources contribute no files.
    }
  } else {
    return undefined;
  }
  return files;
}

async function addConfigMap(files: Files, name: string, src: ConfigMapVolumeSource | ConfigMapProjection, mode: number, ctx: ProjectionContext): Promise<void> {
  const cm = await ctx.objects.configMap(ctx.pod.metadata.namespace ?? 'default', name);
  if (!cm) {
    if (src.optional) return;
    throw new VolumeSetupError(`configmap "${name}" not found`);
  }
  const data = new Map<string, Buffer>();
  for (const [k, v] of Object.entries(cm.data ?? {})) data.set(k, Buffer.from(v, 'utf8'));
  for (const [k, v] of Object.entries(cm.binaryData ?? {})) data.set(k, Buffer.from(v, 'base64'));
  addKeys(files, data, src.items, mode, src.optional, k => `configmap references non-existent config key: ${k}`);
}

async function addSecret(files: Files, name: string, src: SecretVolumeSource | SecretProjection, mode: number, ctx: ProjectionContext): Promise<void> {
  const secret = await ctx.objects.secret(ctx.pod.metadata.namespace ?? 'default', name);
  if (!secret) {
    if (src.optional) return;
    throw new VolumeSetupError(`secret "${name}" not found`);
  }
  const data = new Map(Object.entries(secret.data ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64')]));
  addKeys(files, data, src.items, mode, src.optional, k => `references non-existent secret key: ${k}`);
}

function addKeys(files: Files, data: Map<string, Buffer>, items: KeyToPath[] | undefined, mode: number, optional: boolean | undefined, missing: (k: string) => string): void {
  if (!items?.length) {
    for (const [k, v] of data) files.set(k, { data: v, mode });
    return;
  }
  for (const item of items) {
    const v = data.get(item.key);
    if (v === undefined) {
      if (optional) continue;
      throw new VolumeSetupError(missing(item.key));
    }
    files.set(item.path, { data: v, mode: item.mode ?? mode });
  }
}

async function addToken(files: Files, p: ServiceAccountTokenProjection, mode: number, ctx: ProjectionContext): Promise<void> {
  let token: string;
  try {
    token = await ctx.tokens.podToken(ctx.pod, p);
  } catch (err) {
    throw new VolumeSetupError(`failed to fetch token: ${errorMessage(err)}`);
  }
  // With an fsGroup the token is 0600 and gets the group bit for it, as upstream.
  files.set(p.path, { data: Buffer.from(token, 'utf8'), mode: ctx.pod.spec.securityContext?.fsGroup !== undefined ? 0o600 : mode });
}

function addDownward(files: Files, items: DownwardAPIVolumeFile[], mode: number, ctx: ProjectionContext): void {
  for (const item of items) {
    let text = '';
    if (item.fieldRef) text = fieldValue(ctx.pod, item.fieldRef, ctx.node, ctx.podIPs);
    else if (item.resourceFieldRef) text = resourceValue(ctx.pod, undefined, item.resourceFieldRef, ctx.node);
    files.set(item.path, { data: Buffer.from(text, 'utf8'), mode: item.mode ?? mode });
  }
}
