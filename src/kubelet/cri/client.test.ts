// The CRI client without a runtime: endpoint parsing, the proto loading from the package root, and
// failures surfacing as typed CriErrors. Calls against a real containerd are in
// test/e2e/cri-runtime.test.ts.
import * as grpc from '@grpc/grpc-js';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { CriError, criTarget, ImageClient, isCriNotFound, RuntimeClient } from './client.js';

test('criTarget accepts unix URLs and absolute socket paths only', () => {
  assert.equal(criTarget('/run/containerd/containerd.sock'), 'unix:///run/containerd/containerd.sock');
  assert.equal(criTarget('unix:///run/c.sock'), 'unix:///run/c.sock');
  assert.throws(() => criTarget('localhost:1234'), /unix socket/);
});

test('a call to a socket nobody serves fails with a CriError carrying UNAVAILABLE', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'k8ts-cri-client-'));
  const runtime = new RuntimeClient(join(dir, 'none.sock'), { requestTimeoutMs: 5_000 });
  const images = new ImageClient(`unix://${join(dir, 'none.sock')}`, { requestTimeoutMs: 5_000 });
  try {
    await assert.rejects(runtime.version(), (err: unknown) => {
      assert.ok(err instanceof CriError);
      assert.equal(err.method, 'Version');
      assert.equal(err.code, grpc.status.UNAVAILABLE);
      assert.equal(isCriNotFound(err), false);
      return true;
    });
    await assert.rejects(images.imageStatus('k8ts.local/pause:1'), (err: unknown) => err instanceof CriError && err.code === grpc.status.UNAVAILABLE);
  } finally {
    runtime.close();
    images.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('CriError tells NOT_FOUND apart', () => {
  const err = new CriError('ContainerStatus', grpc.status.NOT_FOUND, 'an error occurred when try to find container "x": not found');
  assert.equal(err.notFound, true);
  assert.equal(isCriNotFound(err), true);
  assert.match(err.message, /ContainerStatus: NOT_FOUND/);
  assert.equal(isCriNotFound(new Error('not found')), false);
});
