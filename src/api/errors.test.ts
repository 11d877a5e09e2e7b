import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AlreadyExistsError, InternalError, statusBody } from './errors.js';

// Clients compare error text byte for byte (the Python client's own e2e tests do), so the fields
// come in upstream's order: kind, apiVersion, metadata, status, message, reason, details, code.
test('a failure Status serializes with upstream\'s field order', () => {
  assert.equal(JSON.stringify(new AlreadyExistsError({ group: '', resource: 'services', name: 'mock-4' }).toStatus()),
    '{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"services \\"mock-4\\" already exists","reason":"AlreadyExists","details":{"name":"mock-4","kind":"services"},"code":409}');
  assert.equal(JSON.stringify(new InternalError('boom').toStatus()),
    '{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"Internal error occurred: boom","reason":"InternalError","code":500}');
});

test('a success Status serializes with upstream\'s field order', () => {
  assert.equal(JSON.stringify(statusBody('Success', 200, { details: { name: 'x', group: 'apps', kind: 'deployments', uid: 'u' } })),
    '{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Success","details":{"name":"x","group":"apps","kind":"deployments","uid":"u"},"code":200}');
  assert.equal(JSON.stringify(statusBody('Success', 201)), '{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Success","code":201}');
});
