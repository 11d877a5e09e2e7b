import assert from 'node:assert/strict';
import { test } from 'node:test';
import { containerLogFiles, parsePodLogDirName } from './pod-log-files.js';

test('pod log directory names give namespace, pod and uid', () => {
  assert.deepEqual(parsePodLogDirName('kube-system_coredns-7.x_0f6c1e2a-1b2c-4d5e-8f90-123456789abc'),
    { namespace: 'kube-system', pod: 'coredns-7.x', uid: '0f6c1e2a-1b2c-4d5e-8f90-123456789abc' });
  assert.equal(parsePodLogDirName('0f6c1e2a-1b2c-4d5e-8f90-123456789abc'), undefined);
  assert.equal(parsePodLogDirName('a_b'), undefined);
});

test('log files in writing order: attempts, then rotated files oldest first before the live one', () => {
  const names = ['1.log', '0.log', '0.log.20261206-101500', '0.log.20261206-100000.gz', '0.log.20261206-101000', '0.log.20261206-090000.gz.tmp', 'other'];
  assert.deepEqual(containerLogFiles(names).map(f => f.name), ['0.log.20261206-101000', '0.log.20261206-101500', '0.log', '1.log']);
  assert.deepEqual(containerLogFiles(names).map(f => f.attempt), [0, 0, 0, 1]);
});
