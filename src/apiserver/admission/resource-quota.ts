// ResourceQuota admission: a create (or an update that grows usage) is rejected with 403 when it
// would take any quota of its namespace past spec.hard, with upstream's message. An admitted
// request is charged to the quota's status.used at once (compare-and-swap on the quota), so that
// concurrent creates cannot all slip under the limit; the quota controller later recomputes the
// exact usage.
import { ForbiddenError, isConflict, StatusError } from '../../api/errors.js';
import type { KubeObject } from '../../api/object.js';
import { formatMilli, parseMilli } from '../../api/quantity.js';
import { matchesScopes, resourceForKey, sumUsage, usageOf, type GroupResource, type Usage } from '../../api/quota-usage.js';
import { systemContext } from '../context.js';
import { namespacePrefix } from '../registry/keys.js';
import type { Registry } from '../registry/registry.js';
import type { GenericStore } from '../registry/generic-store.js';
import type { CachedObject } from '../registry/watch-cache.js';
import type { AdmissionAttributes, AdmissionPlugin } from './types.js';

const MAX_CHARGE_ATTEMPTS = 8;

interface ResourceQuota extends KubeObject {
  spec?: { hard?: Record<string, string>; scopes?: string[] };
  status?: { hard?: Record<string, string>; used?: Record<string, string> };
}

const pretty = (m: Map<string, string>) => [...m].sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => `${k}=${v}`).join(',');

/** What the request adds: the new object's usage, less the old object's on update. */
function requestedUsage(gr: GroupResource, a: AdmissionAttributes): Usage {
  const now = usageOf(gr, a.object!);
  if (a.operation === 'CREATE' || !a.oldObject) return now;
  const before = usageOf(gr, a.oldObject);
  const delta: Usage = new Map();
  for (const [k, v] of now) if (v - (before.get(k) ?? 0n) > 0n) delta.set(k, v - (before.get(k) ?? 0n));
  return delta;
}

export function resourceQuotaAdmission(registry: () => Registry): AdmissionPlugin {
  /** Usage of a key from the objects themselves, for quotas the controller has not filled in yet. */
  function observedUsage(namespace: string, key: string, scopes: string[] | undefined): bigint {
    const target = resourceForKey(key);
    const gr = target === 'pods' ? { group: '', resource: 'pods' } : target;
    if (!gr) return 0n;
    let store;
    try {
      store = registry().get(gr.group, gr.resource);
    } catch {
      return 0n;
    }
    const items = store.cache.list(namespacePrefix(store.info, namespace)).map(c => ({ gr, obj: c.object }));
    return sumUsage([key], items, scopes).get(key) ?? 0n;
  }

  /** Charges the write to the namespace's quotas that cover what it asks for, or refuses it. */
  async function charge(a: AdmissionAttributes, gr: GroupResource, quotas: GenericStore, inNamespace: CachedObject[]): Promise<void> {
    const requested = requestedUsage(gr, a);
    if (![...requested.values()].some(v => v > 0n)) return;
    for (const { object } of inNamespace) {
      const quota = object as ResourceQuota;
      if (!matchesScopes(gr, a.object!, quota.spec?.scopes)) continue;
      const covered = Object.keys(quota.spec?.hard ?? {}).filter(k => (requested.get(k) ?? 0n) > 0n);
      if (!covered.length) continue;
      await chargeOne(quota.metadata.name!, covered);
    }

    /** Checks one quota and records the charge, re-reading the quota on conflicting writes. */
    async function chargeOne(name: string, covered: string[]): Promise<void> {
      for (let attempt = 0; attempt < MAX_CHARGE_ATTEMPTS; attempt++) {
        // After a conflict, give the watch cache a moment to show the other writer's charge.
        if (attempt) await new Promise(r => setTimeout(r, 5 * attempt));
        const live = quotas.getCached(a.namespace, name)?.object as ResourceQuota | undefined;
        if (!live) return;
        const hard = live.spec?.hard ?? {};
        const usedText = live.status?.used ?? {};
        const exceeded = new Map<string, { req: bigint; used: bigint; hard: string }>();
        const nextUsed: Record<string, string> = { ...usedText };
        for (const k of covered) {
          if (hard[k] === undefined) continue;
          const used = usedText[k] !== undefined ? parseMilli(usedText[k]) : observedUsage(a.namespace, k, live.spec?.scopes);
          const req = requested.get(k)!;
          if (used + req > parseMilli(hard[k])) exceeded.set(k, { req, used, hard: hard[k] });
          nextUsed[k] = formatMilli(used + req);
        }
        if (exceeded.size) {
          const field = (f: (e: { req: bigint; used: bigint; hard: string }) => string) => pretty(new Map([...exceeded].map(([k, e]) => [k, f(e)])));
          const objName = a.object!.metadata.name || a.object!.metadata.generateName || a.name;
          throw new ForbiddenError(
            `${gr.resource}${gr.group ? '.' + gr.group : ''} "${objName}" is forbidden: exceeded quota: ${name}, requested: ${field(e => formatMilli(e.req))}, used: ${field(e => formatMilli(e.used))}, limited: ${field(e => e.hard)}`,
            { group: gr.group, resource: gr.resource, name: objName });
        }
        if (a.ctx.dryRun) return;
        try {
          await quotas.update(systemContext('system:admission:resourcequota'), a.namespace, name, { ...live, status: { hard, ...live.status, used: nextUsed } }, { subresource: 'status' });
          return;
        } catch (err) {
          if (!isConflict(err)) throw err;
        }
      }
      throw new StatusError(500, 'InternalError', `Internal error occurred: resource quota ${name} could not be charged: too many concurrent updates`);
    }
  }

  return {
    name: 'ResourceQuota',
    // Only writes in a namespace with quotas wait on a promise (see AdmissionChain.run).
    validate(a: AdmissionAttributes): Promise<void> | undefined {
      if (a.subresource || !a.object || !a.resource.namespaced || (a.operation !== 'CREATE' && a.operation !== 'UPDATE')) return;
      const gr = { group: a.resource.group, resource: a.resource.resource };
      if (gr.group === '' && gr.resource === 'resourcequotas' && a.operation === 'UPDATE') return;
      const quotas = registry().get('', 'resourcequotas');
      // Most namespaces have no quota: nothing to weigh the request against.
      const inNamespace = quotas.cache.list(namespacePrefix(quotas.info, a.namespace));
      if (!inNamespace.length) return;
      return charge(a, gr, quotas, inNamespace);
    },
  };
}
