// ClusterRole aggregation controller (upstream pkg/controller/clusterroleaggregation): a ClusterRole
// with an aggregationRule has as rules the union of the ClusterRoles its selectors match (how
// `admin`, `edit` and `view` grow when a CRD's roles carry aggregate-to-* labels). Any ClusterRole
// change re-computes every aggregated role.
import type { ClusterRole } from '../../api/types/generated.js';
import { ignoreNotFound } from '../../client/api-errors.js';
import { objectPath, R } from '../../client/resources.js';
import type { Controller, ControllerContext } from '../types.js';
import { aggregatedRules, sameRules } from './clusterrole-aggregation-plan.js';

const clusterRoles = (ctx: ControllerContext) => ctx.informer(R.clusterroles).list() as unknown as ClusterRole[];
const aggregatedRoleNames = (ctx: ControllerContext) => clusterRoles(ctx).filter(r => r.aggregationRule).map(r => r.metadata!.name!);

export function clusterRoleAggregationController(): Controller {
  return {
    name: 'clusterrole-aggregation',
    watches: [{ resource: R.clusterroles, mapTo: (_obj, ctx) => aggregatedRoleNames(ctx) }],
    async reconcile(name, ctx) {
      const role = ctx.informer(R.clusterroles).get(name) as unknown as ClusterRole | undefined;
      if (!role) return;
      const rules = aggregatedRules(role, clusterRoles(ctx));
      if (!rules || sameRules(rules, role.rules)) return;
      // Without a resourceVersion, as upstream's apply: the rules are this controller's alone.
      const { resourceVersion: _rv, ...metadata } = role.metadata ?? {};
      await ignoreNotFound(ctx.client.update(objectPath(R.clusterroles, undefined, name), { ...role, metadata, rules }));
    },
  };
}
