// Which printer renders which resource, keyed "group/resource" (core resources have an empty
// group). Resources absent here get the default NAME / CREATED AT table.
import * as admission from './admission.js';
import { apiServicePrinter } from './apiregistration.js';
import { horizontalPodAutoscalerPrinter } from './autoscaling.js';
import { cronJobPrinter, jobPrinter } from './batch.js';
import * as cluster from './cluster.js';
import { configMapPrinter, secretPrinter, serviceAccountPrinter } from './config.js';
import { eventPrinter, eventsV1ToCore } from './events.js';
import * as networking from './networking.js';
import { nodePrinter } from './nodes.js';
import { podPrinter, podTemplatePrinter } from './pods.js';
import { podDisruptionBudgetPrinter } from './policy.js';
import { clusterRoleBindingPrinter, roleBindingPrinter } from './rbac.js';
import { endpointSlicePrinter, endpointsPrinter, servicePrinter } from './services.js';
import * as storage from './storage.js';
import type { Printer } from './types.js';
import * as workloads from './workloads.js';

/** events.k8s.io Events print as core Events once their fields are renamed. */
const eventsV1Printer: Printer = { columns: eventPrinter.columns, cells: (o, now) => eventPrinter.cells(eventsV1ToCore(o), now) };

export const PRINTERS: ReadonlyMap<string, Printer> = new Map<string, Printer>([
  ['/pods', podPrinter],
  ['/podtemplates', podTemplatePrinter],
  ['/replicationcontrollers', workloads.replicationControllerPrinter],
  ['/services', servicePrinter],
  ['/endpoints', endpointsPrinter],
  ['/nodes', nodePrinter],
  ['/events', eventPrinter],
  ['/namespaces', cluster.namespacePrinter],
  ['/configmaps', configMapPrinter],
  ['/secrets', secretPrinter],
  ['/serviceaccounts', serviceAccountPrinter],
  ['/persistentvolumes', storage.persistentVolumePrinter],
  ['/persistentvolumeclaims', storage.persistentVolumeClaimPrinter],
  ['/resourcequotas', cluster.resourceQuotaPrinter],
  ['/componentstatuses', cluster.componentStatusPrinter],
  ['apps/deployments', workloads.deploymentPrinter],
  ['apps/replicasets', workloads.replicaSetPrinter],
  ['apps/statefulsets', workloads.statefulSetPrinter],
  ['apps/daemonsets', workloads.daemonSetPrinter],
  ['apps/controllerrevisions', workloads.controllerRevisionPrinter],
  ['batch/jobs', jobPrinter],
  ['batch/cronjobs', cronJobPrinter],
  ['autoscaling/horizontalpodautoscalers', horizontalPodAutoscalerPrinter],
  ['networking.k8s.io/ingresses', networking.ingressPrinter],
  ['networking.k8s.io/ingressclasses', networking.ingressClassPrinter],
  ['networking.k8s.io/networkpolicies', networking.networkPolicyPrinter],
  ['networking.k8s.io/servicecidrs', networking.serviceCIDRPrinter],
  ['networking.k8s.io/ipaddresses', networking.ipAddressPrinter],
  ['policy/poddisruptionbudgets', podDisruptionBudgetPrinter],
  ['rbac.authorization.k8s.io/rolebindings', roleBindingPrinter],
  ['rbac.authorization.k8s.io/clusterrolebindings', clusterRoleBindingPrinter],
  ['storage.k8s.io/storageclasses', storage.storageClassPrinter],
  ['storage.k8s.io/volumeattributesclasses', storage.volumeAttributesClassPrinter],
  ['storage.k8s.io/csidrivers', storage.csiDriverPrinter],
  ['storage.k8s.io/csinodes', storage.csiNodePrinter],
  ['storage.k8s.io/volumeattachments', storage.volumeAttachmentPrinter],
  ['storage.k8s.io/csistoragecapacities', storage.csiStorageCapacityPrinter],
  ['coordination.k8s.io/leases', cluster.leasePrinter],
  ['discovery.k8s.io/endpointslices', endpointSlicePrinter],
  ['events.k8s.io/events', eventsV1Printer],
  ['scheduling.k8s.io/priorityclasses', cluster.priorityClassPrinter],
  ['node.k8s.io/runtimeclasses', cluster.runtimeClassPrinter],
  ['certificates.k8s.io/certificatesigningrequests', cluster.certificateSigningRequestPrinter],
  ['admissionregistration.k8s.io/mutatingwebhookconfigurations', admission.mutatingWebhookConfigurationPrinter],
  ['admissionregistration.k8s.io/validatingwebhookconfigurations', admission.validatingWebhookConfigurationPrinter],
  ['admissionregistration.k8s.io/validatingadmissionpolicies', admission.validatingAdmissionPolicyPrinter],
  ['admissionregistration.k8s.io/validatingadmissionpolicybindings', admission.validatingAdmissionPolicyBindingPrinter],
  ['apiregistration.k8s.io/apiservices', apiServicePrinter],
]);
