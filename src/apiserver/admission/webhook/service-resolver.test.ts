import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../../api/object.js';
import { endpointSliceResolver, EndpointResolutionError } from './service-resolver.js';

const service = (spec: Record<string, unknown>): KubeObject => ({ apiVersion: 'v1', kind: 'Service', metadata: { namespace: 'ns', name: 'hooks' }, spec } as KubeObject);
const slice = (name: string, port: number, endpoints: Record<string, unknown>[], service = 'hooks', portName = 'https'): KubeObject => ({
  apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', metadata: { namespace: 'ns', name, labels: { 'kubernetes.io/service-name': service } },
  ports: [{ name: portName, port }], endpoints,
} as unknown as KubeObject);
const resolverOf = (svc: KubeObject | undefined, slices: KubeObject[], random = () => 0) => endpointSliceResolver({ service: () => svc, endpointSlices: () => slices }, random);
const fails = (fn: () => unknown, message: string) => assert.throws(fn, (e: unknown) => e instanceof EndpointResolutionError && e.message === message);

test("the Service port's endpoint port, on a ready address of the Service's slices", () => {
  const svc = service({ ports: [{ name: 'https', port: 443, targetPort: 8443 }] });
  const slices = [
    slice('other-1', 9999, [{ addresses: ['10.0.0.9'] }], 'other'),
    slice('hooks-1', 8443, [{ addresses: ['10.0.0.1'], conditions: { ready: false } }, { addresses: ['10.0.0.2'] }]),
    slice('hooks-2', 8443, [{ addresses: ['10.0.0.3'], conditions: { ready: true } }]),
  ];
  assert.deepEqual(resolverOf(svc, slices)('ns', 'hooks', 443), { host: '10.0.0.2', port: 8443 });
  assert.deepEqual(resolverOf(svc, slices, () => 0.99)('ns', 'hooks', 443), { host: '10.0.0.3', port: 8443 });
});

test("upstream's messages when there is nowhere to go", () => {
  fails(() => resolverOf(undefined, [])('ns', 'hooks', 443), 'service "hooks" not found');
  fails(() => resolverOf(service({ type: 'ExternalName', externalName: 'x.example' }), [])('ns', 'hooks', 443), 'unsupported service type "ExternalName"');
  fails(() => resolverOf(service({ ports: [{ port: 80 }] }), [])('ns', 'hooks', 443), 'no service port 443 found for service "hooks"');
  fails(() => resolverOf(service({ ports: [{ name: 'https', port: 443 }] }), [slice('hooks-1', 8443, [{ addresses: ['10.0.0.1'], conditions: { ready: false } }])])('ns', 'hooks', 443), 'no endpoints available for service "hooks"');
});
