// Namespaces: Active on create; deletion moves them to Terminating until the namespace controller
// has emptied them and cleared spec.finalizers through /finalize.
import { coreDefaults } from '../../../api/defaults/core.js';
import type { KubeObject } from '../../../api/object.js';
import { clusterRules } from '../../../api/validation/cluster.js';
import type { ResourceStrategy } from '../strategy.js';

const specFinalizers = (o: KubeObject) => ((o.spec as { finalizers?: string[] } | undefined)?.finalizers ?? []);

export const namespaceStrategy: ResourceStrategy = {
  defaults: coreDefaults.Namespace,
  rules: clusterRules.Namespace,
  fieldSelectors: { 'status.phase': o => o.status?.phase },
  prepareForCreate(obj) {
    obj.status = { phase: 'Active' };
    obj.spec = { ...(obj.spec as object | undefined), finalizers: ['kubernetes'] };
  },
  prepareForUpdate(obj, old) {
    obj.status = old.status;
    // spec.finalizers change only through /finalize.
    obj.spec = { ...(obj.spec as object | undefined), finalizers: specFinalizers(old) };
  },
  subresourceUpdates: {
    finalize(obj, old) {
      const finalizers = specFinalizers(obj);
      const next = structuredClone(old);
      next.spec = { ...(next.spec as object | undefined), finalizers };
      Object.keys(obj).forEach(k => delete obj[k]);
      Object.assign(obj, next);
    },
  },
  prepareForDeletion(obj) {
    obj.status = { ...(obj.status as object | undefined), phase: 'Terminating' };
  },
  deletionBlocked: obj => specFinalizers(obj).length > 0,
};
