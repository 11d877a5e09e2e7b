// ResourceQuota controller: recomputes status.used of each quota from the objects in its namespace
// (and mirrors spec.hard into status.hard) whenever a quota or a counted object changes. Admission
// charges creates against status.used ahead of this; this controller then corrects it to the truth.
import type { KubeObject } from '../../api/object.js';
import { objectPath, R, type ResourceRef } from '../../client/resources.js';
import type { Controller, ControllerContext } from '../types.js';
import { ignoreNotFound } from '../../client/api-errors.js';
import { inNamespace } from '../owner-index.js';
import { formatMilli } from '../../api/quantity.js';
import { resourceForKey, sumUsage, type GroupResource } from '../../api/quota-usage.js';
import { jsonEqual } from '../../util/json-equal.js';

/** Resources whose objects quotas count here; `count/` keys for others are not computed. */
const TRACKED: ResourceRef[] = [
  R.pods, R.services, R.configmaps, R.secrets, R.persistentvolumeclaims, R.replicationcontrollers, R.resourcequotas,
  R.deployments, R.replicasets, R.statefulsets, R.daemonsets, R.jobs, R.cronjobs,
];

interface ResourceQuota extends KubeObject {
  spec?: { hard?: Record<string, string>; scopes?: string[] };
  status?: { hard?: Record<string, string>; used?: Record<string, string> };
}

const trackedRef = (gr: GroupResource) => TRACKED.find(r => r.group === gr.group && r.resource === gr.resource);

export function resourceQuotaController(): Controller {
  const quotaKeysIn = (ctx: ControllerContext, ns: string | undefined) =>
    (ns ? inNamespace(ctx.informer<ResourceQuota>(R.resourcequotas), ns).map(q => `${ns}/${q.metadata.name}`) : []);
  return {
    name: 'resourcequota',
    watches: [
      { resource: R.resourcequotas },
      ...TRACKED.filter(r => r !== R.resourcequotas).map(resource => ({ resource, mapTo: (o: KubeObject, ctx: ControllerContext) => quotaKeysIn(ctx, o.metadata.namespace) })),
    ],
    async reconcile(key, ctx) {
      const quota = ctx.informer<ResourceQuota>(R.resourcequotas).get(key);
      if (!quota) return;
      const namespace = quota.metadata.namespace!;
      const hard = quota.spec?.hard ?? {};
      const keys = Object.keys(hard);
      const refs = new Set<ResourceRef>();
      for (const k of keys) {
        const gr = resourceForKey(k);
        const ref = gr === 'pods' ? R.pods : gr && trackedRef(gr);
        if (ref) refs.add(ref);
      }
      const items = [...refs].flatMap(ref => inNamespace(ctx.informer(ref), namespace).map(obj => ({ gr: ref, obj })));
      const usage = sumUsage(keys, items, quota.spec?.scopes);
      const used: Record<string, string> = {};
      for (const k of keys.sort()) used[k] = formatMilli(usage.get(k) ?? 0n);
      const status = { hard, used };
      if (jsonEqual(status, quota.status ?? {})) return;
      await ignoreNotFound(ctx.client.update(objectPath(R.resourcequotas, namespace, quota.metadata.name!, 'status'), { ...quota, status }));
    },
  };
}
