import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { configurePodsCgroup, podsCgroupCpuShares } from './pods-cgroup.js';

test('the pods cgroup gets 1024 shares per allocatable core', () => {
  assert.equal(podsCgroupCpuShares({ cpu: '2' }), 2048);
  assert.equal(podsCgroupCpuShares({ cpu: '1500m' }), 1536);
  assert.equal(podsCgroupCpuShares({ cpu: '0.5' }), 512);
});

test('shares stay within the kernel bounds', () => {
  assert.equal(podsCgroupCpuShares({}), 2);
  assert.equal(podsCgroupCpuShares({ cpu: '1m' }), 2);
  assert.equal(podsCgroupCpuShares({ cpu: '1000' }), 262144);
});

test('cgroup v1: the cpu hierarchy gets the cgroup and its shares', () => {
  const fs = mkdtempSync(join(tmpdir(), 'pods-cgroup-'));
  try {
    mkdirSync(join(fs, 'cpu'));
    assert.equal(configurePodsCgroup('/kubepods', { cpu: '4' }, fs), 4096);
    assert.equal(readFileSync(join(fs, 'cpu', 'kubepods', 'cpu.shares'), 'utf8'), '4096\n');
  } finally {
    rmSync(fs, { recursive: true, force: true });
  }
});

test('cgroup v2: left alone', () => {
  const fs = mkdtempSync(join(tmpdir(), 'pods-cgroup-'));
  try {
    writeFileSync(join(fs, 'cgroup.controllers'), 'cpu memory\n');
    assert.equal(configurePodsCgroup('/kubepods', { cpu: '4' }, fs), undefined);
  } finally {
    rmSync(fs, { recursive: true, force: true });
  }
});
