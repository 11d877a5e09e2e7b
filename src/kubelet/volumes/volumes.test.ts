import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readlinkSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ObjectSource } from '../object-source.js';
import type { TokenSource } from '../token/token-manager.js';
import type { ConfigMapObject, PodObject, SecretObject } from '../types.js';
import { writeAtomically, InvalidPathError } from './atomic-writer.js';
import { PodVolumes, containerMounts } from './pod-volumes.js';
import type { ClaimSource } from './pv-plugin.js';

/** Tokens named after what they were asked for, so the test sees the projection's parameters. */
const tokens: TokenSource = {
  async podToken(pod, p) { return `token-for-${pod.metadata.name}-${p.audience ?? 'api'}-${p.expirationSeconds}`; },
  forgetPod() {},
};

/** No claims or PVs: these tests use no PV-backed volumes. */
const noClaims: ClaimSource = { async persistentVolumeClaim() { return undefined; }, async persistentVolume() { return undefined; } };

const files = (o: Record<string, string>, mode = 0o644) => new Map(Object.entries(o).map(([k, v]) => [k, { data: Buffer.from(v), mode }]));

test('atomic writer: ..data symlink swap, user links through it, stale entries removed', () => {
  const dir = mkdtempSync(join(tmpdir(), 'k8ts-aw-'));
  try {
    assert.equal(writeAtomically(dir, files({ a: '1', 'sub/b': '2' })), true);
    assert.equal(readFileSync(join(dir, 'a'), 'utf8'), '1');
    assert.equal(readFileSync(join(dir, 'sub/b'), 'utf8'), '2');
    assert.equal(readlinkSync(join(dir, 'a')), '..data/a');
    const first = readlinkSync(join(dir, '..data'));
    assert.equal(writeAtomically(dir, files({ a: '1', 'sub/b': '2' })), false, 'unchanged payload is not rewritten');
    assert.equal(writeAtomically(dir, files({ a: 'new' })), true);
    assert.notEqual(readlinkSync(join(dir, '..data')), first);
    assert.equal(readFileSync(join(dir, 'a'), 'utf8'), 'new');
    assert.deepEqual(readdirSync(dir).filter(n => !n.startsWith('..')), ['a']);
    assert.equal(readdirSync(dir).filter(n => n.startsWith('..') && n !== '..data').length, 1, 'old payload removed');
    assert.throws(() => writeAtomically(dir, files({ '../x': '1' })), InvalidPathError);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('pod volumes: configMap items and modes, secret, downwardAPI, projected, emptyDir, hostPath', async () => {
  const root = mkdtempSync(join(tmpdir(), 'k8ts-vol-'));
  try {
    const objects: ObjectSource = {
      async configMap(_ns, name) { return name === 'cfg' ? { metadata: { name }, data: { 'app.conf': 'x=1', other: 'o' } } as ConfigMapObject : undefined; },
      async secret(_ns, name) { return name === 'sec' ? { metadata: { name }, data: { token: Buffer.from('t0k').toString('base64') } } as SecretObject : undefined; },
    };
    const pod: PodObject = {
      metadata: { name: 'p', namespace: 'ns', uid: 'uid-1', labels: { b: '2', a: '1' } },
      spec: {
        containers: [{ name: 'c', volumeMounts: [{ name: 'cfg', mountPath: '/etc/cfg' }, { name: 'scratch', mountPath: '/scratch', subPath: 'part' }, { name: 'scratch', mountPath: '/mine', subPathExpr: 'by-pod/$(POD)' }] }],
        volumes: [
          { name: 'cfg', configMap: { name: 'cfg', items: [{ key: 'app.conf', path: 'conf/app.conf', mode: 0o600 }] } },
          { name: 'sec', secret: { secretName: 'sec', defaultMode: 0o400 } },
          { name: 'info', downwardAPI: { items: [{ path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } }] } },
          { name: 'all', projected: { sources: [{ configMap: { name: 'cfg' } }, { secret: { name: 'missing', optional: true } }, { serviceAccountToken: { path: 'sa/token', audience: 'vault', expirationSeconds: 600 } }] } },
          { name: 'scratch', emptyDir: {} },
          { name: 'host', hostPath: { path: join(root, 'made'), type: 'DirectoryOrCreate' } },
        ],
      },
    };
    const vols = new PodVolumes(root, noClaims, []);
    const volumes = await vols.setUp({ pod, node: { hostIPs: [], allocatable: {} }, podIPs: [], objects, tokens });
    const paths = new Map([...volumes].map(([k, v]) => [k, v.path]));
    const cfg = paths.get('cfg')!;
    assert.equal(cfg, join(root, 'pods/uid-1/volumes/kubernetes.io~configmap/cfg'));
    assert.equal(readFileSync(join(cfg, 'conf/app.conf'), 'utf8'), 'x=1');
    assert.equal(statSync(join(cfg, 'conf/app.conf')).mode & 0o777, 0o600);
    assert.equal(readFileSync(join(paths.get('sec')!, 'token'), 'utf8'), 't0k');
    assert.equal(statSync(join(paths.get('sec')!, 'token')).mode & 0o777, 0o400);
    assert.equal(readFileSync(join(paths.get('info')!, 'labels'), 'utf8'), 'a="1"\nb="2"');
    assert.deepEqual(readdirSync(paths.get('all')!).filter(n => !n.startsWith('..')).sort(), ['app.conf', 'other', 'sa']);
    assert.equal(readFileSync(join(paths.get('all')!, 'sa/token'), 'utf8'), 'token-for-p-vault-600');
    assert.ok(statSync(join(root, 'made')).isDirectory());
    const mounts = containerMounts(pod.spec.containers[0], volumes, '/hosts', n => (n === 'POD' ? 'p' : undefined));
    assert.deepEqual(mounts.map(m => [m.containerPath, m.readonly]), [['/etc/cfg', true], ['/scratch', false], ['/mine', false], ['/etc/hosts', false]]);
    assert.ok(mounts[1].hostPath.endsWith('kubernetes.io~empty-dir/scratch/part'));
    assert.ok(mounts[2].hostPath.endsWith('kubernetes.io~empty-dir/scratch/by-pod/p'));
    assert.equal(statSync(paths.get('scratch')!).mode & 0o7777, 0o777, 'emptyDir is world-writable');

    const broken: PodObject = { ...pod, spec: { ...pod.spec, volumes: [{ name: 'cfg', configMap: { name: 'nope' } }] } };
    await assert.rejects(vols.setUp({ pod: broken, node: { hostIPs: [], allocatable: {} }, podIPs: [], objects, tokens }),
      /MountVolume.SetUp failed for volume "cfg" : configmap "nope" not found/);
    const noTokens: TokenSource = { async podToken() { throw new Error('serviceaccounts "app" not found'); }, forgetPod() {} };
    const tokenless: PodObject = { ...pod, spec: { ...pod.spec, volumes: [{ name: 'api', projected: { sources: [{ serviceAccountToken: { path: 'token' } }] } }] } };
    await assert.rejects(vols.setUp({ pod: tokenless, node: { hostIPs: [], allocatable: {} }, podIPs: [], objects, tokens: noTokens }),
      /MountVolume.SetUp failed for volume "api" : failed to fetch token: serviceaccounts "app" not found/);
    await vols.tearDown('uid-1');
    assert.deepEqual(vols.knownPods(), []);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('fsGroup: API-data files and emptyDir belong to the group and are group-readable', async () => {
  const root = mkdtempSync(join(tmpdir(), 'k8ts-vol-'));
  try {
    const objects: ObjectSource = {
      async configMap() { return undefined; },
      async secret(_ns, name) { return { metadata: { name }, data: { key: Buffer.from('k').toString('base64') } } as SecretObject; },
    };
    const pod: PodObject = {
      metadata: { name: 'p', namespace: 'ns', uid: 'uid-2' },
      spec: {
        securityContext: { fsGroup: 4321 }, containers: [],
        volumes: [{ name: 'sec', secret: { secretName: 's', defaultMode: 0o400 } }, { name: 'tmp', emptyDir: {} }, { name: 'api', projected: { sources: [{ serviceAccountToken: { path: 'token' } }] } }],
      },
    };
    const vols = new PodVolumes(root, noClaims, []);
    const ctx = { pod, node: { hostIPs: [], allocatable: {} }, podIPs: [], objects, tokens };
    const paths = new Map([...await vols.setUp(ctx)].map(([k, v]) => [k, v.path]));
    const key = statSync(join(paths.get('sec')!, 'key'));
    assert.equal(key.gid, 4321);
    assert.equal(key.mode & 0o777, 0o440);
    assert.equal(statSync(join(paths.get('api')!, 'token')).mode & 0o777, 0o640, 'a token is 0600 plus the group bit');
    const tmp = statSync(paths.get('tmp')!);
    assert.equal(tmp.gid, 4321);
    assert.equal(tmp.mode & 0o7777, 0o2777);
    const data = readlinkSync(join(paths.get('sec')!, '..data'));
    await vols.setUp(ctx);
    assert.equal(readlinkSync(join(paths.get('sec')!, '..data')), data, 'an unchanged payload with its group is not rewritten');
    await vols.tearDown('uid-2');
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
