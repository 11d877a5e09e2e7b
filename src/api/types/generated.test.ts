import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { generateTypes } from './generate.js';
import type { AutoscalingV2HorizontalPodAutoscaler, Container, Deployment, IntOrString, Pod, PodSpec } from './generated.js';

const committed = readFileSync(new URL('../../../../src/api/types/generated.ts', import.meta.url), 'utf8');

test('the committed generated.ts is what the generator produces from the shipped spec', () => {
  assert.ok(committed === generateTypes(), 'src/api/types/generated.ts is stale: run node dist/scripts/gen-types.js');
});

test('declarations: readable names, prefixes only on collision, required fields, first-sentence docs', () => {
  assert.match(committed, /\nexport interface Pod \{/);
  assert.match(committed, /\nexport interface CoreV1Event \{/);
  assert.match(committed, /\nexport interface EventsV1Event \{/);
  assert.doesNotMatch(committed, /\nexport interface CoreV1Pod \{/);
  assert.doesNotMatch(committed, /FlowSchema/, 'unserved groups are left out');
  // Container.name is required in the spec; image is not.
  const container = committed.slice(committed.indexOf('export interface Container {'));
  assert.match(container, /\n {2}name: string;/);
  assert.match(container, /\n {2}image\?: string;/);
  assert.match(committed, /\/\*\* Pod is a collection of containers that can run on a host\. \*\/\nexport interface Pod \{/);
  assert.match(committed, /export type IntOrString = number \| string;/);
});

test('the types describe real objects', () => {
  const c: Container = { name: 'web', image: 'nginx', ports: [{ containerPort: 80 }], resources: { limits: { cpu: '500m' } } };
  const port: IntOrString = 8080;
  const pod: Pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [c] } };
  const hpa: AutoscalingV2HorizontalPodAutoscaler = { spec: { maxReplicas: 3, scaleTargetRef: { kind: 'Deployment', name: 'd' } } };
  const dep: Deployment = { spec: { selector: {}, template: {}, strategy: { rollingUpdate: { maxSurge: '25%' } } } };
  // @ts-expect-error -- containers is required by the spec, so tsc must reject this.
  const bad: PodSpec = {};
  assert.equal(pod.spec?.containers[0].name, 'web');
  assert.equal(hpa.spec?.maxReplicas, 3);
  assert.equal(port, 8080);
  assert.equal(dep.spec?.strategy?.rollingUpdate?.maxSurge, '25%');
  assert.deepEqual(bad, {});
});
