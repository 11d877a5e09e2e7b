// Picks each resource's strategy: one file per resource with anything special (defaults,
// validation, status handling, field selectors, ...), as upstream's pkg/registry/<group>/<resource>.
// Resources not named here get the generic behaviour: with a status subresource, status is written
// only through it.
import type { ResourceInfo } from '../../../api/catalog.js';
import type { Registry, StrategyFactory } from '../registry.js';
import { statusSplitStrategy, type ResourceStrategy } from '../strategy.js';
import { EscalationGuard } from '../../auth/rbac/escalation.js';
import { registryRuleResolver } from '../../auth/rbac/source.js';
import type { Cidr } from '../../../api/cidr.js';
import { ServiceAllocator, type PortRange } from './service-allocator.js';
import { apiServiceStrategy } from './apiservices.js';
import { certificateSigningRequestStrategy } from './certificatesigningrequests.js';
import { clusterRoleBindingStrategy } from './clusterrolebindings.js';
import { clusterRoleStrategy } from './clusterroles.js';
import { configMapStrategy } from './configmaps.js';
import { controllerRevisionStrategy } from './controllerrevisions.js';
import { cronJobStrategy } from './cronjobs.js';
import { customResourceDefinitionStrategy } from './customresourcedefinitions.js';
import { csiDriverStrategy } from './csidrivers.js';
import { daemonSetStrategy } from './daemonsets.js';
import { deploymentStrategy } from './deployments.js';
import { endpointsStrategy } from './endpoints.js';
import { endpointSliceStrategy } from './endpointslices.js';
import { coreEventStrategy, eventsV1Strategy } from './events.js';
import { horizontalPodAutoscalerStrategy } from './horizontalpodautoscalers.js';
import { ingressClassStrategy } from './ingressclasses.js';
import { ingressStrategy } from './ingresses.js';
import { jobStrategy } from './jobs.js';
import { leaseStrategy } from './leases.js';
import { limitRangeStrategy } from './limitranges.js';
import { mutatingWebhookConfigurationStrategy } from './mutatingwebhookconfigurations.js';
import { namespaceStrategy } from './namespaces.js';
import { networkPolicyStrategy } from './networkpolicies.js';
import { nodeStrategy } from './nodes.js';
import { persistentVolumeClaimStrategy } from './persistentvolumeclaims.js';
import { persistentVolumeStrategy } from './persistentvolumes.js';
import { podDisruptionBudgetStrategy } from './poddisruptionbudgets.js';
import { podStrategy } from './pods.js';
import { podTemplateStrategy } from './podtemplates.js';
import { priorityClassStrategy } from './priorityclasses.js';
import { replicaSetStrategy } from './replicasets.js';
import { replicationControllerStrategy } from './replicationcontrollers.js';
import { resourceQuotaStrategy } from './resourcequotas.js';
import { roleBindingStrategy } from './rolebindings.js';
import { roleStrategy } from './roles.js';
import { secretStrategy } from './secrets.js';
import { serviceStrategy } from './services.js';
import { statefulSetStrategy } from './statefulsets.js';
import { storageClassStrategy } from './storageclasses.js';
import { validatingAdmissionPolicyStrategy } from './validatingadmissionpolicies.js';
import { validatingAdmissionPolicyBindingStrategy } from './validatingadmissionpolicybindings.js';
import { validatingWebhookConfigurationStrategy } from './validatingwebhookconfigurations.js';

/** By `<group>/<resource>`; services are built per server (their allocator needs the config). */
const RESOURCE_STRATEGIES: Readonly<Record<string, ResourceStrategy>> = {
  '/configmaps': configMapStrategy,
  '/endpoints': endpointsStrategy,
  '/events': coreEventStrategy,
  '/limitranges': limitRangeStrategy,
  '/namespaces': namespaceStrategy,
  '/nodes': nodeStrategy,
  '/persistentvolumeclaims': persistentVolumeClaimStrategy,
  '/persistentvolumes': persistentVolumeStrategy,
  '/pods': podStrategy,
  '/podtemplates': podTemplateStrategy,
  '/replicationcontrollers': replicationControllerStrategy,
  '/resourcequotas': resourceQuotaStrategy,
  '/secrets': secretStrategy,
  'admissionregistration.k8s.io/mutatingwebhookconfigurations': mutatingWebhookConfigurationStrategy,
  'admissionregistration.k8s.io/validatingadmissionpolicies': validatingAdmissionPolicyStrategy,
  'admissionregistration.k8s.io/validatingadmissionpolicybindings': validatingAdmissionPolicyBindingStrategy,
  'admissionregistration.k8s.io/validatingwebhookconfigurations': validatingWebhookConfigurationStrategy,
  'apiextensions.k8s.io/customresourcedefinitions': customResourceDefinitionStrategy,
  'apiregistration.k8s.io/apiservices': apiServiceStrategy,
  'apps/controllerrevisions': controllerRevisionStrategy,
  'apps/daemonsets': daemonSetStrategy,
  'apps/deployments': deploymentStrategy,
  'apps/replicasets': replicaSetStrategy,
  'apps/statefulsets': statefulSetStrategy,
  'autoscaling/horizontalpodautoscalers': horizontalPodAutoscalerStrategy,
  'batch/cronjobs': cronJobStrategy,
  'batch/jobs': jobStrategy,
  'certificates.k8s.io/certificatesigningrequests': certificateSigningRequestStrategy,
  'coordination.k8s.io/leases': leaseStrategy,
  'discovery.k8s.io/endpointslices': endpointSliceStrategy,
  'events.k8s.io/events': eventsV1Strategy,
  'networking.k8s.io/ingressclasses': ingressClassStrategy,
  'networking.k8s.io/ingresses': ingressStrategy,
  'networking.k8s.io/networkpolicies': networkPolicyStrategy,
  'policy/poddisruptionbudgets': podDisruptionBudgetStrategy,
  'scheduling.k8s.io/priorityclasses': priorityClassStrategy,
  'storage.k8s.io/csidrivers': csiDriverStrategy,
  'storage.k8s.io/storageclasses': storageClassStrategy,
};

/** RBAC's resources check every write against the writer's own permissions (one guard per registry). */
const RBAC_STRATEGIES: Readonly<Record<string, (guard: EscalationGuard) => ResourceStrategy>> = {
  'rbac.authorization.k8s.io/clusterrolebindings': clusterRoleBindingStrategy,
  'rbac.authorization.k8s.io/clusterroles': clusterRoleStrategy,
  'rbac.authorization.k8s.io/rolebindings': roleBindingStrategy,
  'rbac.authorization.k8s.io/roles': roleStrategy,
};

export interface StrategyConfig {
  serviceCidr: Cidr;
  nodePortRange: PortRange;
}

export function strategies(config: StrategyConfig): StrategyFactory {
  let allocator: ServiceAllocator | undefined;
  let guard: EscalationGuard | undefined;
  return (info: ResourceInfo, registry: Registry): ResourceStrategy => {
    const id = `${info.group}/${info.resource}`;
    const rbac = RBAC_STRATEGIES[id];
    if (rbac) return rbac(guard ??= new EscalationGuard(registryRuleResolver(registry)));
    if (id === '/services') {
      allocator ??= new ServiceAllocator(config.serviceCidr, config.nodePortRange, () => registry.get('', 'services').cache.list().map(c => c.object));
      return serviceStrategy(allocator);
    }
    return RESOURCE_STRATEGIES[id] ?? (info.subresources.some(s => s.name === 'status') ? statusSplitStrategy() : {});
  };
}
