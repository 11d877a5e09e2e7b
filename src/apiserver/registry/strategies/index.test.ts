// Every defaulter and validation rule set in api/ is wired to its resource by some strategy, so a
// kind's rules cannot sit unused because no strategy file names them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ResourceCatalog } from '../../../api/catalog.js';
import { admissionDefaults } from '../../../api/defaults/admissionregistration.js';
import { appsDefaults } from '../../../api/defaults/apps.js';
import { autoscalingDefaults } from '../../../api/defaults/autoscaling.js';
import { batchDefaults } from '../../../api/defaults/batch.js';
import { coreDefaults } from '../../../api/defaults/core.js';
import { discoveryDefaults } from '../../../api/defaults/discovery.js';
import { networkingDefaults } from '../../../api/defaults/networking.js';
import { rbacDefaults } from '../../../api/defaults/rbac.js';
import { schedulingDefaults } from '../../../api/defaults/scheduling.js';
import { storageDefaults } from '../../../api/defaults/storage.js';
import { appsRules } from '../../../api/validation/apps.js';
import { batchRules } from '../../../api/validation/batch.js';
import { clusterRules } from '../../../api/validation/cluster.js';
import { configMapRules, secretRules } from '../../../api/validation/config.js';
import { coreEventRules, eventsV1Rules, leaseRules } from '../../../api/validation/coordination-events.js';
import { coreWorkloadRules } from '../../../api/validation/core-workloads.js';
import { endpointSliceRules } from '../../../api/validation/discovery.js';
import { networkingRules } from '../../../api/validation/networking.js';
import { hpaRules, pdbRules } from '../../../api/validation/policy.js';
import { rbacRules } from '../../../api/validation/rbac.js';
import { priorityClassRules } from '../../../api/validation/scheduling.js';
import { serviceRules } from '../../../api/validation/service.js';
import type { Registry } from '../registry.js';
import type { ResourceStrategy } from '../strategy.js';
import { strategies } from './index.js';
import { parseCidr } from '../../../api/cidr.js';

const factory = strategies({ serviceCidr: parseCidr('10.43.0.0/16'), nodePortRange: { min: 30000, max: 32767 } });
const unusedRegistry = {} as Registry;

/** The strategy of each served kind, by `<group>/<Kind>`. */
function strategiesByKind(): Map<string, ResourceStrategy> {
  const out = new Map<string, ResourceStrategy>();
  for (const info of ResourceCatalog.shared().all()) {
    if (!info.resource.includes('/')) out.set(`${info.group}/${info.kind}`, factory(info, unusedRegistry));
  }
  return out;
}

test('every defaulter in api/defaults is some served kind\'s strategy defaults', () => {
  const byKind = strategiesByKind();
  const groups: [string, Record<string, unknown>][] = [
    ['', coreDefaults], ['apps', appsDefaults], ['batch', batchDefaults], ['autoscaling', autoscalingDefaults],
    ['networking.k8s.io', networkingDefaults], ['rbac.authorization.k8s.io', rbacDefaults], ['storage.k8s.io', storageDefaults],
    ['discovery.k8s.io', discoveryDefaults], ['scheduling.k8s.io', schedulingDefaults], ['admissionregistration.k8s.io', admissionDefaults],
  ];
  const unwired = groups.flatMap(([group, defaults]) =>
    Object.entries(defaults).filter(([kind, fn]) => byKind.get(`${group}/${kind}`)?.defaults !== fn).map(([kind]) => `${group}/${kind}`));
  assert.deepEqual(unwired, []);
});

test('every validation rule set in api/validation is some served kind\'s strategy rules', () => {
  const byKind = strategiesByKind();
  const rules: [string, unknown][] = [
    ...Object.entries({ ...coreWorkloadRules, ...clusterRules }).map(([kind, r]): [string, unknown] => [`/${kind}`, r]),
    ['/Service', serviceRules], ['/ConfigMap', configMapRules], ['/Secret', secretRules], ['/Event', coreEventRules],
    ...Object.entries(appsRules).map(([kind, r]): [string, unknown] => [`apps/${kind}`, r]),
    ...Object.entries(batchRules).map(([kind, r]): [string, unknown] => [`batch/${kind}`, r]),
    ...Object.entries(networkingRules).map(([kind, r]): [string, unknown] => [`networking.k8s.io/${kind}`, r]),
    ...Object.entries(rbacRules).map(([kind, r]): [string, unknown] => [`rbac.authorization.k8s.io/${kind}`, r]),
    ['autoscaling/HorizontalPodAutoscaler', hpaRules], ['policy/PodDisruptionBudget', pdbRules],
    ['scheduling.k8s.io/PriorityClass', priorityClassRules], ['coordination.k8s.io/Lease', leaseRules],
    ['events.k8s.io/Event', eventsV1Rules], ['discovery.k8s.io/EndpointSlice', endpointSliceRules],
  ];
  assert.deepEqual(rules.filter(([kind, r]) => byKind.get(kind)?.rules !== r).map(([kind]) => kind), []);
});

test('resources with nothing special get the generic strategy: status only through /status', () => {
  const info = ResourceCatalog.shared().find('storage.k8s.io', 'v1', 'volumeattachments')!;
  const s = factory(info, unusedRegistry);
  assert.equal(s.rules, undefined);
  const obj = { metadata: {}, spec: { a: 1 }, status: { b: 2 } };
  s.prepareForCreate?.(obj, undefined as never);
  assert.deepEqual(obj, { metadata: {}, spec: { a: 1 } });
});
