import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { APIService, EndpointSlice, Service } from '../../api/types/generated.js';
import { discoveryCondition, preflightCondition } from './availability.js';

const apiService: APIService = { metadata: { name: 'v1.x.io' }, spec: { group: 'x.io', version: 'v1', groupPriorityMinimum: 1000, versionPriority: 15, service: { namespace: 'ns', name: 'api', port: 443 } } };
const service = (ports: { name?: string; port: number }[], type = 'ClusterIP'): Service => ({ metadata: { name: 'api', namespace: 'ns' }, spec: { type, ports } });
const slice = (ready: boolean, portName = ''): EndpointSlice => ({ addressType: 'IPv4', metadata: { name: 's' }, endpoints: [{ addresses: ['10.0.0.1'], conditions: { ready } }], ports: [{ name: portName, port: 8443 }] });
const reason = (c?: { reason?: string; message?: string }) => c && `${c.reason}: ${c.message}`;

test('each missing piece is named with upstream reason and message', () => {
  assert.equal(reason(preflightCondition(apiService, undefined, [])), 'ServiceNotFound: service/api in "ns" is not present');
  assert.equal(reason(preflightCondition(apiService, service([{ port: 80 }]), [])), 'ServicePortError: service/api in "ns" is not listening on port 443');
  assert.equal(reason(preflightCondition(apiService, service([{ port: 443 }]), [])), 'EndpointsNotFound: cannot find endpointslices for service/api in "ns"');
  assert.equal(reason(preflightCondition(apiService, service([{ name: 'https', port: 443 }]), [slice(true)])), 'MissingEndpoints: endpointslices for service/api in "ns" have no addresses with port name "https"');
  assert.equal(reason(preflightCondition(apiService, service([{ port: 443 }]), [slice(false)])), 'MissingEndpoints: endpointslices for service/api in "ns" have no addresses with port name ""');
  assert.equal(preflightCondition(apiService, service([{ name: 'https', port: 443 }]), [slice(true, 'https')]), undefined);
  // Only ClusterIP Services are checked for endpoints; the others go straight to the discovery request.
  assert.equal(preflightCondition(apiService, service([], 'ExternalName'), []), undefined);
});

test('the discovery request decides the rest', () => {
  assert.deepEqual(discoveryCondition(undefined), { type: 'Available', status: 'True', reason: 'Passed', message: 'all checks passed' });
  assert.deepEqual(discoveryCondition('failing or missing response from https://10.0.0.1:8443/apis/x.io/v1: bad status from https://10.0.0.1:8443/apis/x.io/v1: 403'),
    { type: 'Available', status: 'False', reason: 'FailedDiscoveryCheck', message: 'failing or missing response from https://10.0.0.1:8443/apis/x.io/v1: bad status from https://10.0.0.1:8443/apis/x.io/v1: 403' });
});
