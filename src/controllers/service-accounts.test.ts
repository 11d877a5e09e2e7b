import assert from 'node:assert/strict';
import { test } from 'node:test';
import { allControllers } from './index.js';
import { controllerServiceAccount } from './service-accounts.js';

test('every controller acts as one of upstream\'s controller service accounts', () => {
  for (const c of allControllers({ clusterCidr: '10.42.0.0/16', caCert: '' })) {
    assert.match(controllerServiceAccount(c.name), /^[a-z0-9-]+$/, c.name);
  }
  assert.equal(controllerServiceAccount('deployment'), 'deployment-controller');
  assert.equal(controllerServiceAccount('taint-eviction'), 'node-controller');
  assert.throws(() => controllerServiceAccount('nope'), /has no service account/);
});
