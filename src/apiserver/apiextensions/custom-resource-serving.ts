// Serves the custom resources of every established CRD (upstream's crdHandler): one registry store
// per served version, with its strategy compiled from the CRD, and catalog entries so discovery,
// RBAC, admission and the resource handlers see them. Kept in step with the CRDs' watch cache;
// a store is rebuilt (ending its watches) only when what it serves changes — the CRD's spec or
// accepted names, as upstream's crdHandler rebuilds its storage — never on other status changes
// (conditions, Terminating, storedVersions) or metadata, so watchers of a deleted CRD see its
// objects go.
import { compileCustomResourceSchema } from '../../api/apiextensions/index.js';
import type { ResourceCatalog, ResourceInfo } from '../../api/catalog.js';
import { isTrue } from '../../api/conditions.js';
import type { VersionCodec } from '../../api/conversion/index.js';
import { customResourceGroups, customResourceInfos, storageVersionOf } from '../../api/custom-resources.js';
import { ForbiddenError } from '../../api/errors.js';
import { setCustomResourceSchemas } from '../../api/openapi-docs.js';
import type { CustomResourceDefinition } from '../../api/types/generated.js';
import type { ServiceResolver } from '../admission/webhook/client.js';
import { registryServiceResolver } from '../admission/webhook/sources.js';
import type { DynamicVersion, Registry } from '../registry/registry.js';
import type { ResourceStrategy } from '../registry/strategy.js';
import { customResourceCodec, customResourceStrategy, noneStoreConversion } from '../registry/strategies/customresources.js';
import { WebhookConverter, webhookStoreConversion } from './conversion-webhook.js';

/** Webhook-converted stores and their caches keep objects exactly as stored (see store-conversion.ts). */
const STORED_AS_IS: VersionCodec = { fromStorage: obj => obj, toStorage: obj => obj };

export const CRD_GROUP = 'apiextensions.k8s.io';
export const CRD_RESOURCE = 'customresourcedefinitions';

/** What one CRD's stores serve, and the CRD as it was when they were made. */
interface Served {
  signature: string;
  versions: { info: ResourceInfo; schema: Record<string, unknown> }[];
}

export class CustomResourceServing {
  private readonly served = new Map<string, Served>();
  private syncing: Promise<void> = Promise.resolve();
  private unsubscribe?: () => void;
  /** What the catalog and OpenAPI documents were last given (republished only on change). */
  private published = '';
  private readonly resolveService: ServiceResolver;

  constructor(
    private readonly registry: Registry,
    private readonly catalog: ResourceCatalog,
    private readonly log: (msg: string, fields?: Record<string, unknown>) => void = () => {},
  ) {
    this.resolveService = registryServiceResolver(() => registry);
  }

  /** Serves what the stored CRDs define, then follows their changes. */
  async start(): Promise<void> {
    this.unsubscribe = this.crds().cache.subscribe(() => void this.sync());
    await this.sync();
  }

  stop(): void {
    this.unsubscribe?.();
  }

  /** Resolves once every CRD change seen so far is served. */
  sync(): Promise<void> {
    this.syncing = this.syncing.then(() => this.apply()).catch(err => this.log('serving custom resources failed', { error: String(err) }));
    return this.syncing;
  }

  private crds() {
    return this.registry.get(CRD_GROUP, CRD_RESOURCE);
  }

  private async apply(): Promise<void> {
    const crds = this.crds().cache.list().map(c => c.object as unknown as CustomResourceDefinition);
    const wanted = new Map<string, { crd: CustomResourceDefinition; infos: ResourceInfo[]; signature: string }>();
    for (const crd of crds) {
      const infos = customResourceInfos(crd);
      if (!infos.length) continue;
      const signature = JSON.stringify([crd.metadata?.uid, crd.spec, crd.status?.acceptedNames]);
      wanted.set(crd.metadata!.uid!, { crd, infos, signature });
    }
    // Versions no longer served go first: a re-created CRD's new stores may take their keys.
    for (const [uid, s] of this.served) {
      const w = wanted.get(uid);
      if (w?.signature === s.signature) continue;
      for (const { info } of s.versions) {
        if (!w?.infos.some(i => keyOf(i) === keyOf(info))) this.registry.unserveDynamic(info.group, info.version, info.resource);
      }
      this.served.delete(uid);
    }
    for (const [uid, w] of wanted) {
      if (this.served.has(uid)) continue;
      try {
        this.served.set(uid, { signature: w.signature, versions: await this.serve(w.crd, w.infos) });
      } catch (err) {
        // A CRD whose schema or columns do not compile serves nothing until it is fixed.
        this.log('cannot serve custom resource', { resource: `${w.crd.spec.names.plural}.${w.crd.spec.group}`, error: String(err) });
        for (const info of w.infos) this.registry.unserveDynamic(info.group, info.version, info.resource);
      }
    }
    const served = [...this.served.values()].flatMap(s => s.versions);
    const published = JSON.stringify([...this.served.values()].map(s => s.signature));
    if (published === this.published) return;
    this.published = published;
    const infos = served.map(s => s.info);
    this.catalog.setCustomResources(infos, customResourceGroups(infos));
    setCustomResourceSchemas(served.map(({ info, schema }) => ({
      group: info.group, version: info.version, kind: info.kind, listKind: info.listKind, resource: info.resource, namespaced: info.namespaced, schema,
    })));
  }

  /**
   * Upstream refuses new objects (create, or apply/patch creating) while the CRD's objects are
   * being deleted, judged by the CRD as it is at the request (the store outlives the change).
   */
  private refuseCreatesWhileTerminating(crd: CustomResourceDefinition, info: ResourceInfo, strategy: ResourceStrategy): void {
    const prepare = strategy.prepareForCreate;
    strategy.prepareForCreate = (obj, ctx) => {
      const current = this.crds().getCached('', crd.metadata!.name!)?.object as unknown as CustomResourceDefinition | undefined;
      if (!current || terminating(current)) {
        const name = obj.metadata.name ?? '';
        throw new ForbiddenError(`${info.resource}.${info.group} "${name}" is forbidden: create not allowed while custom resource definition is terminating`, { group: info.group, resource: info.resource, name });
      }
      return prepare?.(obj, ctx);
    };
  }

  /**
   * Serves a CRD's versions over one watch cache, its storage version's: with `None` conversion
   * that cache holds objects at the storage version, defaulted, and the other versions convert
   * what they read; with `Webhook` it holds objects as stored and every version converts.
   * Returns each served version's published OpenAPI v3 schema.
   */
  private async serve(crd: CustomResourceDefinition, infos: ResourceInfo[]): Promise<Served['versions']> {
    const storageVersion = storageVersionOf(crd) ?? infos[0].version;
    const webhook = crd.spec.conversion?.strategy === 'Webhook' ? new WebhookConverter(crd, this.resolveService) : undefined;
    const versionOf = (info: ResourceInfo): DynamicVersion & { schema: Record<string, unknown> } => {
      const version = crd.spec.versions.find(v => v.name === info.version)!;
      const schema = compileCustomResourceSchema(crd, version.name);
      const strategy = customResourceStrategy(crd, version, schema);
      this.refuseCreatesWhileTerminating(crd, info, strategy);
      const published = schema.openAPIV3();
      if (webhook) return { info, strategy, codec: STORED_AS_IS, conversion: webhookStoreConversion(crd, version.name, storageVersion, schema, webhook), schema: published };
      const codec = customResourceCodec(crd, version.name, storageVersion, schema);
      if (version.name === storageVersion) return { info, strategy, codec, schema: published };
      const sameSchema = JSON.stringify(version.schema) === JSON.stringify(crd.spec.versions.find(v => v.name === storageVersion)?.schema);
      return { info, strategy, codec: STORED_AS_IS, conversion: noneStoreConversion(codec, `${crd.spec.group}/${version.name}`, sameSchema), schema: published };
    };
    const served = infos.map(versionOf);
    const owner = served.find(v => v.info.version === storageVersion) ?? versionOf({ ...infos[0], version: storageVersion });
    await this.registry.serveDynamic(owner, served);
    return served.map(({ info, schema }) => ({ info, schema }));
  }
}

function terminating(crd: CustomResourceDefinition): boolean {
  return !!crd.metadata?.deletionTimestamp || isTrue(crd.status?.conditions, 'Terminating');
}

function keyOf(info: ResourceInfo): string {
  return `${info.group}/${info.version}/${info.resource}`;
}
