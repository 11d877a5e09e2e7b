// The official Python client works against k8ts unmodified (Debian's python3-kubernetes).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { REPO_ROOT, TestCluster, run } from './harness.js';

test('python kubernetes client: CRUD, patch, 404, deployments and watch', async () => {
  const c = await TestCluster.start();
  try {
    const r = await run('/usr/bin/python3', [join(REPO_ROOT, 'test', 'e2e', 'python', 'client_smoke.py'), c.kubeconfig]);
    assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
    assert.match(r.stdout, /watch ok/);
  } finally {
    await c.stop();
  }
});
