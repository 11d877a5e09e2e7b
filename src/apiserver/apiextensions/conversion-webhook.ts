// Conversion strategy `Webhook` (upstream's apiextensions webhookConverter): the objects not yet at
// the wanted version go, in one ConversionReview, to the CRD's conversion webhook; the answer is
// checked as upstream checks it (kind and uid of the review, one object back per object sent, the
// same group/version/kind, name, namespace and uid) and only labels and annotations may change in
// metadata: everything else is restored from the original, so a webhook can never rewrite identity,
// resourceVersion or managedFields. Any failure is a 500 InternalError with upstream's wording and
// leaves the caller's objects untouched.
import { randomUUID } from 'node:crypto';
import { InternalError, type FieldError } from '../../api/errors.js';
import type { KubeObject } from '../../api/object.js';
import type { CustomResourceDefinition } from '../../api/types/generated.js';
import { validateAnnotations, validateLabels } from '../../api/validation/object-meta.js';
import type { Obj } from '../../api/validation/types.js';
import { callWebhook, type ServiceResolver } from '../admission/webhook/client.js';
import type { CompiledCustomResourceSchema } from '../../api/apiextensions/index.js';
import { clone } from '../patch/json.js';
import type { StoreConversion } from '../registry/store-conversion.js';

/**
 * A conversion has no timeoutSeconds in its CRD; upstream's call is bounded only by its webhook
 * client's default, 30 seconds.
 */
const CONVERSION_TIMEOUT_SECONDS = 30;

export class ConversionWebhookError extends InternalError {}

export class WebhookConverter {
  private readonly clientConfig: Obj;
  private readonly reviewVersions: string[];

  constructor(crd: CustomResourceDefinition, private readonly resolve: ServiceResolver, private readonly newUid: () => string = randomUUID) {
    const webhook = crd.spec.conversion?.webhook;
    this.clientConfig = (webhook?.clientConfig ?? {}) as Obj;
    this.reviewVersions = webhook?.conversionReviewVersions ?? [];
  }

  /** One object at `apiVersion` (returned as is when it already is). */
  async convert(obj: KubeObject, apiVersion: string): Promise<KubeObject> {
    if (obj.apiVersion === apiVersion) return obj;
    const gvk = gvkText(obj.apiVersion ?? '', obj.kind ?? '');
    const [converted] = await this.call([obj], apiVersion, gvk);
    const check = checkConverted(obj, converted, apiVersion);
    if (check.kind === 'ok') return check.object;
    if (check.kind === 'raw') throw new ConversionWebhookError(check.message);
    if (check.kind === 'identity') throw new ConversionWebhookError(`conversion webhook for ${gvk} returned invalid object at index 0: ${check.message}`);
    if (check.kind === 'object') throw new ConversionWebhookError(`conversion webhook for ${gvk} returned invalid object: ${check.message}`);
    throw new ConversionWebhookError(`conversion webhook for ${gvk} returned invalid metadata: ${check.message}`);
  }

  /**
   * The items of a list at `apiVersion`, all of them in one review (upstream sends a list as one
   * request); `listGvk` names the list in messages, as upstream names the object it converts.
   */
  async convertList(items: KubeObject[], apiVersion: string, listGvk: string): Promise<KubeObject[]> {
    const pending = items.filter(i => i.apiVersion !== apiVersion);
    if (!pending.length) return items;
    const converted = await this.call(pending, apiVersion, listGvk);
    let index = 0;
    return items.map(original => {
      if (original.apiVersion === apiVersion) return original;
      const check = checkConverted(original, converted[index], apiVersion);
      if (check.kind === 'ok') {
        index++;
        return check.object;
      }
      // Upstream reports an object that is not one at its index, every later check one past it.
      if (check.kind === 'raw') throw new ConversionWebhookError(`conversion webhook for ${listGvk} returned invalid converted object at index ${index}: ${check.message}`);
      index++;
      if (check.kind === 'identity' || check.kind === 'object') throw new ConversionWebhookError(`conversion webhook for ${listGvk} returned invalid converted object at index ${index}: ${check.message}`);
      throw new ConversionWebhookError(`conversion webhook for ${listGvk} returned invalid metadata in object at index ${index}: ${check.message}`);
    });
  }

  /** Sends the review; returns exactly as many objects as were sent. */
  private async call(objects: KubeObject[], apiVersion: string, gvk: string): Promise<Obj[]> {
    const reviewVersion = this.reviewVersions.find(v => v === 'v1' || v === 'v1beta1');
    if (!reviewVersion) throw new ConversionWebhookError('no supported conversion review versions');
    const uid = this.newUid();
    const review = {
      apiVersion: `apiextensions.k8s.io/${reviewVersion}`,
      kind: 'ConversionReview',
      request: { uid, desiredAPIVersion: apiVersion, objects },
    };
    let answer: unknown;
    try {
      answer = await callWebhook(this.clientConfig, CONVERSION_TIMEOUT_SECONDS, review, this.resolve);
    } catch (err) {
      throw new ConversionWebhookError(`conversion webhook for ${gvk} failed: ${(err as Error).message}`);
    }
    let converted: Obj[];
    try {
      converted = convertedObjects(answer as Obj, reviewVersion, uid);
    } catch (err) {
      throw new ConversionWebhookError(`conversion webhook for ${gvk} failed: ${(err as Error).message}`);
    }
    if (converted.length !== objects.length) throw new ConversionWebhookError(`conversion webhook for ${gvk} returned ${converted.length} objects, expected ${objects.length}`);
    return converted;
  }
}

/**
 * A store's conversion by the CRD's webhook (strategy `Webhook`): stored objects converted to
 * `version`, then defaulted by its schema; written objects converted to the storage version.
 */
export function webhookStoreConversion(crd: CustomResourceDefinition, version: string, storageVersion: string, schema: CompiledCustomResourceSchema, converter: WebhookConverter): StoreConversion {
  const apiVersion = `${crd.spec.group}/${version}`;
  const storageApiVersion = `${crd.spec.group}/${storageVersion}`;
  const listGvk = gvkText(apiVersion, crd.spec.names.listKind ?? `${crd.spec.names.kind}List`);
  const defaulted = (obj: KubeObject): KubeObject => {
    schema.applyDefaults(obj);
    return obj;
  };
  return {
    // The converter answers the original for an object already at the version: a cached object,
    // copied before it is defaulted.
    toVersion: async stored => defaulted(clone(await converter.convert(stored, apiVersion))),
    toVersionList: async stored => (await converter.convertList(stored, apiVersion, listGvk)).map(o => defaulted(clone(o))),
    toStorage: obj => converter.convert(obj, storageApiVersion),
  };
}

/** Upstream's getConvertedObjectsFromResponse; v1beta1 answers are not checked for kind or uid. */
function convertedObjects(review: Obj, reviewVersion: string, uid: string): Obj[] {
  if (reviewVersion === 'v1') {
    const got = gvkText(String(review?.apiVersion ?? ''), String(review?.kind ?? ''));
    const want = gvkText('apiextensions.k8s.io/v1', 'ConversionReview');
    if (got !== want) throw new Error(`expected webhook response of ${want}, got ${got}`);
  }
  const response = review?.response;
  if (!response || typeof response !== 'object') throw new Error('no response provided');
  if (reviewVersion === 'v1' && (response.uid ?? '') !== uid) throw new Error(`expected response.uid=${JSON.stringify(uid)}, got ${JSON.stringify(response.uid ?? '')}`);
  const status = response.result?.status ?? '';
  if (status !== 'Success') {
    if (response.result?.message) throw new Error(String(response.result.message));
    throw new Error(`response.result.status was '${status}', not 'Success'`);
  }
  return Array.isArray(response.convertedObjects) ? response.convertedObjects : [];
}

type Checked =
  | { kind: 'ok'; object: KubeObject }
  | { kind: 'raw' | 'identity' | 'object' | 'metadata'; message: string };

/** Upstream's group/version/kind check, validateConvertedObject and restoreObjectMeta on one object. */
function checkConverted(original: KubeObject, converted: Obj, apiVersion: string): Checked {
  if (!converted || typeof converted !== 'object' || Array.isArray(converted)) return { kind: 'raw', message: `Object 'Kind' is missing in '${JSON.stringify(converted)}'` };
  const gotVersion = String(converted.apiVersion ?? '');
  if (gotVersion !== apiVersion) return { kind: 'identity', message: `invalid groupVersion (expected ${apiVersion}, received ${gotVersion})` };
  if (converted.kind !== original.kind) return { kind: 'identity', message: `invalid kind (expected ${original.kind}, received ${converted.kind ?? ''})` };
  const meta: Obj = converted.metadata;
  for (const field of ['name', 'namespace', 'uid'] as const) {
    const want = original.metadata?.[field] ?? '';
    const got = meta && typeof meta === 'object' ? meta[field] ?? '' : '';
    if (want !== got) return { kind: 'object', message: `must have the same ${field === 'uid' ? 'UID' : field}: ${want} != ${got}` };
  }
  if (meta === undefined) return { kind: 'metadata', message: 'missing metadata in converted object' };
  if (meta === null || typeof meta !== 'object' || Array.isArray(meta)) return { kind: 'metadata', message: `invalid metadata of type ${goType(meta)} in converted object` };
  const restored: Obj = structuredClone(original.metadata ?? {});
  for (const field of ['labels', 'annotations'] as const) {
    const given = meta[field];
    if (given === undefined || given === null) {
      delete restored[field];
      continue;
    }
    if (typeof given !== 'object' || Array.isArray(given)) return { kind: 'metadata', message: `invalid metadata.${field} of type ${goType(given)} in converted object` };
    const before: Record<string, unknown> = restored[field] ?? {};
    let changed = Object.keys(before).length !== Object.keys(given).length;
    for (const [k, v] of Object.entries(given)) {
      if (typeof v !== 'string') return { kind: 'metadata', message: `metadata.${field}[${k}] must be a string, but is ${goType(v)} in converted object` };
      if (before[k] !== v) changed = true;
    }
    if (changed) {
      // Upstream validates annotations under the path `metadata.annotation`.
      const errs = field === 'labels' ? validateLabels(given, 'metadata.labels') : validateAnnotations(given, 'metadata.annotation');
      if (errs.length) return { kind: 'metadata', message: aggregate(errs) };
    }
    restored[field] = given;
  }
  return { kind: 'ok', object: { ...converted, metadata: restored } as KubeObject };
}

/** Go's schema.GroupVersionKind String(). */
function gvkText(apiVersion: string, kind: string): string {
  const slash = apiVersion.indexOf('/');
  const [group, version] = slash < 0 ? ['', apiVersion] : [apiVersion.slice(0, slash), apiVersion.slice(slash + 1)];
  return `${group}/${version}, Kind=${kind}`;
}

/** Go's utilerrors aggregate text: one error as itself, several bracketed. */
function aggregate(errs: FieldError[]): string {
  return errs.length === 1 ? errs[0].toString() : `[${errs.map(e => e.toString()).join(', ')}]`;
}

/** The Go type a JSON value decodes to, as %T prints it. */
function goType(v: unknown): string {
  if (v === null || v === undefined) return '<nil>';
  if (Array.isArray(v)) return '[]interface {}';
  if (typeof v === 'object') return 'map[string]interface {}';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int64' : 'float64';
  return typeof v === 'boolean' ? 'bool' : 'string';
}
