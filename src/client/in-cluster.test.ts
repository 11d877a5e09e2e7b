import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { inClusterConfig, InClusterConfigError } from './in-cluster.js';

test('in-cluster configuration from the service environment and the mounted service account', () => {
  const dir = mkdtempSync(join(tmpdir(), 'k8ts-sa-'));
  try {
    writeFileSync(join(dir, 'ca.crt'), 'CA');
    writeFileSync(join(dir, 'token'), 'tok\n');
    writeFileSync(join(dir, 'namespace'), 'storage');
    const c = inClusterConfig(dir, { KUBERNETES_SERVICE_HOST: '10.43.0.1', KUBERNETES_SERVICE_PORT: '443' });
    c.stop();
    assert.deepEqual(c.config, { server: 'https://10.43.0.1:443', ca: 'CA', token: 'tok' });
    assert.equal(c.namespace, 'storage');
    assert.equal(inClusterConfig(dir, { KUBERNETES_SERVICE_HOST: 'fd00::1', KUBERNETES_SERVICE_PORT: '443' }).config.server, 'https://[fd00::1]:443');
    assert.throws(() => inClusterConfig(dir, {}), /KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT must be defined/);
    assert.throws(() => inClusterConfig(join(dir, 'missing'), { KUBERNETES_SERVICE_HOST: 'h', KUBERNETES_SERVICE_PORT: '1' }), InClusterConfigError);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
