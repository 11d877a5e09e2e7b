import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PersistentVolume, PersistentVolumeClaim } from '../../api/types/generated.js';
import type { ObjectSource } from '../object-source.js';
import type { TokenSource } from '../token/token-manager.js';
import type { PodObject } from '../types.js';
import { HostPathVolumePlugin, LocalVolumePlugin } from './local-pv.js';
import { PodVolumes, containerMounts, subPathOf } from './pod-volumes.js';
import type { ClaimSource } from './pv-plugin.js';

const objects: ObjectSource = { async configMap() { return undefined; }, async secret() { return undefined; } };
const tokens: TokenSource = { async podToken() { return 't'; }, forgetPod() {} };

function claims(c: PersistentVolumeClaim[], pvs: PersistentVolume[]): ClaimSource {
  return {
    async persistentVolumeClaim(ns, name) { return c.find(x => x.metadata?.namespace === ns && x.metadata?.name === name); },
    async persistentVolume(name) { return pvs.find(x => x.metadata?.name === name); },
  };
}

const claim = (name: string, pv: string, phase = 'Bound', extra: Partial<PersistentVolumeClaim['metadata']> = {}): PersistentVolumeClaim =>
  ({ metadata: { name, namespace: 'ns', uid: `uid-${name}`, ...extra }, spec: { volumeName: pv }, status: { phase } });
const localPV = (name: string, path: string, claimUid: string, extra: Partial<NonNullable<PersistentVolume['spec']>> = {}): PersistentVolume =>
  ({ metadata: { name }, spec: { local: { path }, claimRef: { namespace: 'ns', name: 'x', uid: claimUid }, ...extra } });

function pod(volumes: NonNullable<PodObject['spec']['volumes']>, fsGroup?: number): PodObject {
  return { metadata: { name: 'p', namespace: 'ns', uid: 'pod-1' }, spec: { containers: [], volumes, securityContext: fsGroup !== undefined ? { fsGroup } : undefined } };
}

test('PV volumes: a bound local PV is used in place, read-only from the claim source, fsGroup applied, in use until teardown', async () => {
  const root = mkdtempSync(join(tmpdir(), 'k8ts-pv-'));
  try {
    const data = join(root, 'data');
    mkdirSync(join(data, 'sub'), { recursive: true });
    writeFileSync(join(data, 'sub', 'f'), 'x', { mode: 0o600 });
    const src = claims([claim('c1', 'pv1')], [localPV('pv1', data, 'uid-c1')]);
    const vols = new PodVolumes(root, src, [new LocalVolumePlugin(), new HostPathVolumePlugin()]);
    const p = pod([{ name: 'data', persistentVolumeClaim: { claimName: 'c1', readOnly: true } }], 2345);
    const got = await vols.setUp({ pod: p, node: { hostIPs: [], allocatable: {} }, podIPs: [], objects, tokens });
    assert.deepEqual(got.get('data'), { path: data, readOnly: true, block: false });
    assert.deepEqual(vols.volumesInUse(), ['kubernetes.io/local-volume/pv1']);
    const f = statSync(join(data, 'sub', 'f'));
    assert.equal(f.gid, 2345);
    assert.equal(f.mode & 0o777, 0o640, 'read-only volume: group read added');
    assert.equal(statSync(join(data, 'sub')).mode & 0o2000, 0o2000, 'directories get setgid');
    const mounts = containerMounts({ name: 'c', volumeMounts: [{ name: 'data', mountPath: '/d' }] }, got, undefined, () => undefined);
    assert.deepEqual(mounts, [{ containerPath: '/d', hostPath: data, readonly: true }]);
    await vols.tearDown('pod-1');
    assert.deepEqual(vols.volumesInUse(), []);
    assert.ok(statSync(join(data, 'sub', 'f')).isFile(), 'the data outlives the pod');
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('PV volumes: missing, unbound, deleting and mismatched claims are refused with upstream messages', async () => {
  const root = mkdtempSync(join(tmpdir(), 'k8ts-pv-'));
  try {
    const src = claims(
      [claim('pending', '', 'Pending'), claim('gone', 'pv2', 'Bound', { deletionTimestamp: '2026-01-01T00:00:00Z' }), claim('other', 'pv3'), claim('p-eph', 'pv3')],
      [localPV('pv3', root, 'uid-someone-else')],
    );
    const vols = new PodVolumes(root, src, [new LocalVolumePlugin()]);
    const setUp = (v: NonNullable<PodObject['spec']['volumes']>[number]) => vols.setUp({ pod: pod([v]), node: { hostIPs: [], allocatable: {} }, podIPs: [], objects, tokens });
    await assert.rejects(setUp({ name: 'v', persistentVolumeClaim: { claimName: 'missing' } }),
      /^Error: Unable to attach or mount volumes: unmounted volumes=\[v\], unattached volumes=\[\], failed to process volumes=\[v\]: error processing PVC ns\/missing: failed to fetch PVC from API server: persistentvolumeclaims "missing" not found$/);
    await assert.rejects(setUp({ name: 'v', persistentVolumeClaim: { claimName: 'pending' } }),
      /PVC ns\/pending has non-bound phase \("Pending"\) or empty pvc.Spec.VolumeName \(""\)/);
    await assert.rejects(setUp({ name: 'v', persistentVolumeClaim: { claimName: 'gone' } }), /can't start pod because PVC ns\/gone is being deleted/);
    await assert.rejects(setUp({ name: 'v', persistentVolumeClaim: { claimName: 'other' } }),
      /found PV object pv3 but its pv.Spec.ClaimRef.UID \(uid-someone-else\) does not point to claim.UID \(uid-other\)/);
    await assert.rejects(setUp({ name: 'eph', ephemeral: { volumeClaimTemplate: { spec: {} } } }), /PVC ns\/p-eph was not created for pod ns\/p \(pod is not owner\)/);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('subPath: created inside the volume; absolute, .. and symlink escapes refused', () => {
  const root = mkdtempSync(join(tmpdir(), 'k8ts-sub-'));
  try {
    const vol = join(root, 'vol');
    mkdirSync(vol);
    mkdirSync(join(root, 'outside'));
    assert.equal(subPathOf(vol, 'a/b'), join(vol, 'a/b'));
    assert.ok(statSync(join(vol, 'a/b')).isDirectory());
    assert.throws(() => subPathOf(vol, '/etc'), /error SubPath `\/etc` must not be an absolute path/);
    assert.throws(() => subPathOf(vol, 'a/../../x'), /unable to provision SubPath `a\/..\/..\/x`: must not contain '..'/);
    symlinkSync('../outside', join(vol, 'escape'));
    assert.throws(() => subPathOf(vol, 'escape/x'), /not within volume path/);
    symlinkSync('a', join(vol, 'inner'));
    assert.equal(subPathOf(vol, 'inner/b'), join(vol, 'a/b'), 'a symlink inside the volume is followed');
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
