import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseRequestInfo } from '../request-info.js';
import { requestAttributes } from './attributes.js';

const attrs = (method: string, path: string) => requestAttributes(parseRequestInfo(method, path, new URLSearchParams()), method);

test('connect subresources take their HTTP method\'s verb', () => {
  assert.deepEqual(attrs('POST', '/api/v1/namespaces/ns/pods/p/exec'),
    { isResourceRequest: true, verb: 'create', group: '', resource: 'pods', subresource: 'exec', name: 'p', namespace: 'ns' });
  assert.equal((attrs('GET', '/api/v1/namespaces/ns/pods/p/exec') as { verb: string }).verb, 'get');
  assert.equal((attrs('DELETE', '/api/v1/namespaces/ns/services/s/proxy/x') as { verb: string }).verb, 'delete');
});

test('a namespace is in itself; other cluster-scoped objects are in none', () => {
  assert.equal((attrs('GET', '/api/v1/namespaces/team') as { namespace: string }).namespace, 'team');
  assert.equal((attrs('PUT', '/api/v1/namespaces/team/finalize') as { namespace: string }).namespace, 'team');
  assert.equal((attrs('GET', '/api/v1/namespaces') as { namespace: string }).namespace, '');
  assert.equal((attrs('GET', '/api/v1/nodes/n') as { namespace: string }).namespace, '');
  assert.deepEqual(attrs('GET', '/healthz'), { isResourceRequest: false, path: '/healthz', verb: 'get' });
});
