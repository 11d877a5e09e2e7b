// --encryption-provider-config: an apiserver.config.k8s.io/v1 EncryptionConfiguration (YAML or
// JSON), validated with upstream's rules and messages, turned into one transformer per resource.
// Per resource the providers of every entry naming it are chained in order: the first writes,
// all read (upstream's LoadEncryptionConfig).
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { aesCbcTransformer, aesGcmTransformer } from '../../storage/encryption/aes.js';
import { secretboxTransformer } from '../../storage/encryption/secretbox.js';
import {
  ENCRYPTED_PREFIX, identityTransformer, PrefixTransformers, type PrefixedTransformer, type ValueTransformer,
} from '../../storage/encryption/transformer.js';

export class EncryptionConfigError extends Error {}

interface Key { name?: string; secret?: string }
interface Provider {
  aescbc?: { keys?: Key[] };
  aesgcm?: { keys?: Key[] };
  secretbox?: { keys?: Key[] };
  identity?: Record<string, never>;
  kms?: Record<string, unknown>;
}
interface ResourceConfiguration { resources?: string[]; providers?: Provider[] }
export interface EncryptionConfigurationDocument {
  apiVersion?: string;
  kind?: string;
  resources?: ResourceConfiguration[];
}

const GROUP_VERSION = 'apiserver.config.k8s.io/v1';
const AES_KEY_SIZES = [16, 24, 32];
const SECRETBOX_KEY_SIZES = [32];
const PROVIDER_PREFIX = { aescbc: `${ENCRYPTED_PREFIX}aescbc:v1:`, aesgcm: `${ENCRYPTED_PREFIX}aesgcm:v1:`, secretbox: `${ENCRYPTED_PREFIX}secretbox:v1:` };
const KNOWN_FIELDS = {
  top: ['apiVersion', 'kind', 'resources'],
  entry: ['resources', 'providers'],
  provider: ['aescbc', 'aesgcm', 'secretbox', 'identity', 'kms'],
  keyed: ['keys'],
  key: ['name', 'secret'],
};

/** A group/resource of the config: `secrets` → ('', secrets), `*.apps` → (apps, *), `*.` → ('', *). */
interface GroupResource { group: string; resource: string }

function parseGroupResource(text: string): GroupResource {
  const dot = text.indexOf('.');
  return dot < 0 ? { group: '', resource: text } : { group: text.slice(dot + 1), resource: text.slice(0, dot) };
}

function yamlName(gr: GroupResource): string {
  if (gr.group === '' && gr.resource === '*') return '*.';
  return gr.group ? `${gr.resource}.${gr.group}` : gr.resource;
}

export class EncryptionConfig {
  private readonly byResource: Map<string, ValueTransformer>;

  private constructor(byResource: Map<string, ValueTransformer>) {
    this.byResource = byResource;
  }

  /** Reads, validates and builds; every problem is an EncryptionConfigError naming the file. */
  static load(path: string): EncryptionConfig {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (err) {
      throw new EncryptionConfigError(`error while parsing file: error opening encryption provider configuration file "${path}": ${(err as Error).message}`);
    }
    if (!text.trim()) throw new EncryptionConfigError(`error while parsing file: encryption provider configuration file "${path}" is empty`);
    let doc: unknown;
    try {
      doc = parseYaml(text, { maxAliasCount: 100 }); // YAML is a superset of JSON
    } catch (err) {
      throw new EncryptionConfigError(`error while parsing file: ${(err as Error).message.split('\n')[0]}`);
    }
    return EncryptionConfig.fromDocument(doc);
  }

  static fromDocument(doc: unknown): EncryptionConfig {
    if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw new EncryptionConfigError('error while parsing file: the configuration is not an object');
    const config = doc as EncryptionConfigurationDocument;
    if (config.kind !== 'EncryptionConfiguration' || config.apiVersion !== GROUP_VERSION) {
      throw new EncryptionConfigError(`error while parsing file: expected kind EncryptionConfiguration in ${GROUP_VERSION}, got kind ${JSON.stringify(config.kind ?? '')} in ${JSON.stringify(config.apiVersion ?? '')}`);
    }
    const unknown = unknownFields(config);
    if (unknown.length) throw new EncryptionConfigError(`error while parsing file: strict decoding error: ${unknown.map(f => `unknown field "${f}"`).join(', ')}`);
    const errors = validateEncryptionConfiguration(config);
    if (errors.length) throw new EncryptionConfigError(`error while parsing file: ${errors.length === 1 ? errors[0] : `[${errors.join(', ')}]`}`);
    return new EncryptionConfig(buildTransformers(config));
  }

  /**
   * The transformer of a resource: its own entry, else its group's `*.group`, else `*.*`, else
   * identity (which still refuses to read encrypted data as plain). Events of events.k8s.io are
   * the core group's Events, as upstream stores them.
   */
  transformerFor(group: string, resource: string): ValueTransformer {
    const g = group === 'events.k8s.io' ? '' : group;
    return this.byResource.get(`${g}/${resource}`) ?? this.byResource.get(`${g}/*`) ?? this.byResource.get('*/*') ?? identityTransformer;
  }
}

function unknownFields(config: EncryptionConfigurationDocument): string[] {
  const out: string[] = [];
  const check = (obj: unknown, allowed: string[], path: string) => {
    if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) return;
    for (const k of Object.keys(obj)) if (!allowed.includes(k)) out.push(path ? `${path}.${k}` : k);
  };
  check(config, KNOWN_FIELDS.top, '');
  (Array.isArray(config.resources) ? config.resources : []).forEach((entry, i) => {
    check(entry, KNOWN_FIELDS.entry, `resources[${i}]`);
    (Array.isArray(entry?.providers) ? entry.providers : []).forEach((p, j) => {
      const path = `resources[${i}].providers[${j}]`;
      check(p, KNOWN_FIELDS.provider, path);
      for (const name of ['aescbc', 'aesgcm', 'secretbox'] as const) {
        const keyed = p?.[name];
        check(keyed, KNOWN_FIELDS.keyed, `${path}.${name}`);
        (Array.isArray(keyed?.keys) ? keyed.keys : []).forEach((k, n) => check(k, KNOWN_FIELDS.key, `${path}.${name}.keys[${n}]`));
      }
    });
  });
  return out;
}

// ---- validation (upstream's ValidateEncryptionConfiguration, same paths and messages) ----

function goValue(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (Array.isArray(v)) return `[]string{${v.map(x => JSON.stringify(x)).join(', ')}}`;
  return JSON.stringify(v);
}
const required = (path: string, detail: string) => `${path}: Required value: ${detail}`;
const invalid = (path: string, value: unknown, detail: string) => `${path}: Invalid value: ${goValue(value)}: ${detail}`;

export function validateEncryptionConfiguration(config: EncryptionConfigurationDocument): string[] {
  const errs: string[] = [];
  const entries = config.resources;
  if (!Array.isArray(entries) || entries.length === 0) return [required('resources', 'at least one resources is required')];
  entries.forEach((entry, i) => {
    const r = `resources[${i}].resources`;
    const p = `resources[${i}].providers`;
    const resources = Array.isArray(entry?.resources) ? entry.resources.map(String) : [];
    if (resources.length === 0) errs.push(required(r, `at least one ${r} is required`));
    errs.push(...validateResourceOverlap(resources, r), ...validateResourceNames(resources, r));
    const providers = Array.isArray(entry?.providers) ? entry.providers : [];
    if (providers.length === 0) errs.push(required(p, `at least one ${p} is required`));
    providers.forEach((provider, j) => {
      const path = `${p}[${j}]`;
      const kinds = (['kms', 'aesgcm', 'aescbc', 'secretbox', 'identity'] as const).filter(k => provider?.[k] != null);
      if (kinds.length === 0) { errs.push(invalid(path, provider, 'provider does not contain any of the expected providers: KMS, AESGCM, AESCBC, Secretbox, Identity')); return; }
      if (kinds.length > 1) { errs.push(invalid(path, provider, 'more than one provider specified in a single element, should split into different list elements')); return; }
      const kind = kinds[0];
      if (kind === 'aesgcm' || kind === 'aescbc') errs.push(...validateKeys(provider[kind]!.keys, `${path}.${kind}.keys`, AES_KEY_SIZES));
      if (kind === 'secretbox') errs.push(...validateKeys(provider.secretbox!.keys, `${path}.secretbox.keys`, SECRETBOX_KEY_SIZES));
    });
  });
  return errs;
}

function validateResourceOverlap(resources: string[], path: string): string[] {
  if (resources.length < 2) return [];
  const grs = resources.map(parseGroupResource);
  let overlap = false;
  let duplicate = false;
  grs.forEach((a, i) => grs.forEach((b, j) => {
    if (i === j) return;
    if (a.group === b.group && a.resource === b.resource) { duplicate = true; return; }
    if (a.group === '*' && a.resource === '*') overlap = true;
    else if (a.group === b.group && (a.resource === '*' || b.resource === '*')) overlap = true;
  }));
  const errs: string[] = [];
  if (duplicate) errs.push(invalid(path, resources, 'the same resource cannot be specified multiple times'));
  if (overlap) errs.push(invalid(path, resources, "using overlapping resources such as 'secrets' and '*.' in the same resource list is not allowed as they will be masked"));
  return errs;
}

function validateResourceNames(resources: string[], path: string): string[] {
  const errs: string[] = [];
  resources.forEach((res, j) => {
    const at = `${path}[${j}]`;
    const gr = parseGroupResource(res);
    if (res.toLowerCase() !== res) errs.push(invalid(at, res, 'resource name should not contain capital letters'));
    else if (res === '*') errs.push(invalid(at, res, "use '*.' to encrypt all the resources from core API group or *.* to encrypt all resources"));
    else if (['apiserveripinfo', 'serviceipallocations', 'servicenodeportallocations'].includes(res)) errs.push(invalid(at, res, 'resources which do not have REST API/s cannot be encrypted'));
    else if (gr.group === 'events.k8s.io') errs.push(invalid(at, res, "'*.events.k8s.io' objects are stored using the 'events' API group in etcd. Use 'events' instead in the config file"));
    else if (gr.group === 'extensions') errs.push(invalid(at, res, "'extensions' group has been removed and cannot be used for encryption"));
    else if (gr.group === '*' && gr.resource !== '*') errs.push(invalid(at, res, 'encrypting the same resource across groups is not supported'));
  });
  return errs;
}

function validateKeys(keys: Key[] | undefined, path: string, sizes: number[]): string[] {
  if (!Array.isArray(keys) || keys.length === 0) return [required(path, 'at least one keys is required')];
  const errs: string[] = [];
  keys.forEach((key, i) => {
    const at = `${path}[${i}]`;
    if (!key?.name) errs.push(required(`${at}.name`, 'name is a mandatory field for a key'));
    if (!key?.secret) { errs.push(required(`${at}.secret`, 'secret is a mandatory field for a key')); return; }
    const secret = decodeBase64(String(key.secret));
    if (!secret) { errs.push(invalid(`${at}.secret`, 'REDACTED', 'secrets must be base64 encoded')); return; }
    if (!sizes.includes(secret.length)) errs.push(invalid(`${at}.secret`, 'REDACTED', `secret is not of the expected length, got ${secret.length}, expected one of [${sizes.join(' ')}]`));
  });
  return errs;
}

/** Standard base64 with padding (Go's StdEncoding), or undefined. */
function decodeBase64(text: string): Buffer | undefined {
  if (!/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(text)) return undefined;
  return Buffer.from(text, 'base64');
}

// ---- building ----

function buildTransformers(config: EncryptionConfigurationDocument): Map<string, ValueTransformer> {
  const chains = new Map<string, PrefixedTransformer[]>();
  for (const entry of config.resources!) {
    const providers = entry.providers!.map(providerTransformer);
    for (const res of entry.resources!) {
      const gr = parseGroupResource(res);
      const anyInGroup = { group: gr.group, resource: '*' };
      if (chains.has(`${gr.group}/*`)) throw new EncryptionConfigError(`error while building transformers: resource "${yamlName(gr)}" is masked by earlier rule "${yamlName(anyInGroup)}"`);
      if (chains.has('*/*')) throw new EncryptionConfigError(`error while building transformers: resource "${yamlName(gr)}" is masked by earlier rule "*.*"`);
      const key = `${gr.group}/${gr.resource}`;
      chains.set(key, [...(chains.get(key) ?? []), ...providers]);
    }
  }
  const out = new Map<string, ValueTransformer>();
  for (const [key, chain] of chains) out.set(key, new PrefixTransformers(chain, 'no matching prefix found'));
  return out;
}

function providerTransformer(provider: Provider): PrefixedTransformer {
  if (provider.identity) return { prefix: '', transformer: identityTransformer };
  if (provider.aescbc) return { prefix: PROVIDER_PREFIX.aescbc, transformer: keyedTransformers(provider.aescbc.keys!, aesCbcTransformer, 'AES') };
  if (provider.aesgcm) return { prefix: PROVIDER_PREFIX.aesgcm, transformer: keyedTransformers(provider.aesgcm.keys!, aesGcmTransformer, 'AES') };
  if (provider.secretbox) return { prefix: PROVIDER_PREFIX.secretbox, transformer: keyedTransformers(provider.secretbox.keys!, secretboxTransformer, 'Secretbox') };
  throw new EncryptionConfigError('error while building transformers: the kms provider is not supported by k8ts; use aescbc, aesgcm or secretbox');
}

/** One provider's keys: the first encrypts, any decrypts the values carrying its name. */
function keyedTransformers(keys: Key[], make: (key: Buffer) => ValueTransformer, label: string): ValueTransformer {
  return new PrefixTransformers(
    keys.map(k => ({ prefix: `${k.name}:`, transformer: make(Buffer.from(k.secret!, 'base64')) })),
    `no matching key was found for the provided ${label} transformer`,
  );
}
