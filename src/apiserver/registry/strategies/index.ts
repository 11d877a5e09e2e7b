// Picks each resource's strategy. Resources not named here get the generic behaviour: with a
// status subresource, status is written only through it.
import type { ResourceInfo } from '../../../api/catalog.js';
import type { Registry, StrategyFactory } from '../registry.js';
import { statusSplitStrategy, type ResourceStrategy } from '../strategy.js';
import type { FieldGetter } from '../../../api/selectors/field-selector.js';
import { namespaceStrategy } from './namespaces.js';
import { podStrategy } from './pods.js';
import { ServiceAllocator, type PortRange } from './service-allocator.js';
import { serviceStrategy } from './services.js';
import type { Cidr } from '../../../api/cidr.js';

/** Resources whose metadata.generation counts spec changes (upstream's strategies that bump it). */
const GENERATION_TRACKED = new Set([
  'apps/deployments', 'apps/replicasets', 'apps/statefulsets', 'apps/daemonsets', '/replicationcontrollers',
  'batch/jobs', 'batch/cronjobs', 'autoscaling/horizontalpodautoscalers', 'policy/poddisruptionbudgets',
  'networking.k8s.io/ingresses', 'networking.k8s.io/networkpolicies', 'scheduling.k8s.io/priorityclasses',
  'admissionregistration.k8s.io/validatingadmissionpolicies', 'admissionregistration.k8s.io/validatingadmissionpolicybindings',
  'admissionregistration.k8s.io/validatingwebhookconfigurations', 'admissionregistration.k8s.io/mutatingwebhookconfigurations',
]);

const eventFields: Record<string, FieldGetter> = {
  'involvedObject.kind': o => o.involvedObject?.kind,
  'involvedObject.namespace': o => o.involvedObject?.namespace,
  'involvedObject.name': o => o.involvedObject?.name,
  'involvedObject.uid': o => o.involvedObject?.uid,
  'involvedObject.apiVersion': o => o.involvedObject?.apiVersion,
  'involvedObject.resourceVersion': o => o.involvedObject?.resourceVersion,
  'involvedObject.fieldPath': o => o.involvedObject?.fieldPath,
  'reason': o => o.reason,
  'reportingComponent': o => o.reportingComponent,
  'source': o => o.source?.component,
  'type': o => o.type,
};

const perResourceFields: Record<string, Record<string, FieldGetter>> = {
  '/events': eventFields,
  'events.k8s.io/events': {
    'regarding.kind': o => o.regarding?.kind, 'regarding.namespace': o => o.regarding?.namespace,
    'regarding.name': o => o.regarding?.name, 'regarding.uid': o => o.regarding?.uid,
    'reason': o => o.reason, 'reportingController': o => o.reportingController, 'type': o => o.type,
  },
  '/secrets': { 'type': o => o.type },
  '/nodes': { 'spec.unschedulable': o => String(o.spec?.unschedulable ?? false) },
  '/replicationcontrollers': { 'status.replicas': o => String(o.status?.replicas ?? 0) },
  'apps/replicasets': { 'status.replicas': o => String(o.status?.replicas ?? 0) },
  'batch/jobs': { 'status.successful': o => String(o.status?.succeeded ?? 0) },
  '/persistentvolumeclaims': { 'spec.volumeName': o => o.spec?.volumeName },
  'certificates.k8s.io/certificatesigningrequests': { 'spec.signerName': o => o.spec?.signerName },
};

export interface StrategyConfig {
  serviceCidr: Cidr;
  nodePortRange: PortRange;
}

export function strategies(config: StrategyConfig): StrategyFactory {
  let allocator: ServiceAllocator | undefined;
  return (info: ResourceInfo, registry: Registry): ResourceStrategy => {
    const id = `${info.group}/${info.resource}`;
    switch (id) {
      case '/pods': return podStrategy;
      case '/namespaces': return namespaceStrategy;
      case '/services':
        allocator ??= new ServiceAllocator(config.serviceCidr, config.nodePortRange, () => registry.get('', 'services').cache.list().map(c => c.object));
        return serviceStrategy(allocator);
      case '/nodes':
        // The kubelet creates its Node with status; later status changes go through /status.
        return { fieldSelectors: perResourceFields[id], prepareForUpdate(obj, old) { obj.status = old.status; } };
      case '/events': case 'events.k8s.io/events': case 'coordination.k8s.io/leases': case '/endpoints':
        return { fieldSelectors: perResourceFields[id], allowCreateOnUpdate: true };
    }
    const hasStatus = info.subresources.some(s => s.name === 'status');
    const base: ResourceStrategy = hasStatus ? statusSplitStrategy() : {};
    return { ...base, tracksGeneration: GENERATION_TRACKED.has(id), fieldSelectors: perResourceFields[id] };
  };
}
