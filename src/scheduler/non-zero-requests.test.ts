import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Container } from '../api/types/generated.js';
import { nonZeroRequests } from './non-zero-requests.js';
import type { Pod } from './types.js';

const Mi = 1024 * 1024;
const container = (name: string, requests?: Record<string, string>, restartPolicy?: string): Container =>
  ({ name, image: 'busybox', ...(requests ? { resources: { requests } } : {}), ...(restartPolicy ? { restartPolicy } : {}) });
const pod = (spec: Partial<NonNullable<Pod['spec']>>): Pod => ({ metadata: { name: 'p' }, spec: { containers: [], ...spec } });

test('a container asking nothing counts as 100m and 200Mi; one asking counts as it asks', () => {
  assert.deepEqual(nonZeroRequests(pod({ containers: [container('a')] })), { cpu: 100, memory: 200 * Mi });
  assert.deepEqual(nonZeroRequests(pod({ containers: [container('a', { cpu: '500m' }), container('b', { memory: '1Gi' })] })),
    { cpu: 600, memory: 1024 * Mi + 200 * Mi });
  // An explicit zero is a request: no default for it.
  assert.deepEqual(nonZeroRequests(pod({ containers: [container('a', { cpu: '0', memory: '0' })] })), { cpu: 0, memory: 0 });
});

test('sidecar init containers add up, with defaults; a regular init container raises the total to its own need', () => {
  const withSidecar = pod({ containers: [container('app', { cpu: '500m', memory: '100Mi' })], initContainers: [container('proxy', undefined, 'Always')] });
  assert.deepEqual(nonZeroRequests(withSidecar), { cpu: 600, memory: 300 * Mi });
  const withInit = pod({ containers: [container('app', { cpu: '500m', memory: '100Mi' })], initContainers: [container('setup', { cpu: '2' })] });
  assert.deepEqual(nonZeroRequests(withInit), { cpu: 2000, memory: 200 * Mi });
});

test('the pod overhead is added', () => {
  assert.deepEqual(nonZeroRequests(pod({ containers: [container('a', { cpu: '1', memory: '1Gi' })], overhead: { cpu: '250m', memory: '64Mi' } })),
    { cpu: 1250, memory: 1024 * Mi + 64 * Mi });
});
