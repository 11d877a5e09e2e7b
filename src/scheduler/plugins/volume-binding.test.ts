import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Algorithm } from '../algorithm.js';
import { SchedulerCache } from '../cache.js';
import { CycleState, type Handle, type VolumeListers } from '../framework.js';
import { PodInfo } from '../pod-info.js';
import { Profile } from '../profile.js';
import { defaultProfile } from '../profiles.js';
import { handle, node, pod } from '../testing/fixtures.js';
import type { PersistentVolume, PersistentVolumeClaim, StorageClass } from '../../api/volume-binding.js';

/** A little cluster of claims, PVs and classes that the test (or the fake writer) changes in place. */
class Volumes implements VolumeListers {
  claims = new Map<string, PersistentVolumeClaim>();
  pvs = new Map<string, PersistentVolume>();
  classes = new Map<string, StorageClass>();
  claim(ns: string, name: string) { return this.claims.get(`${ns}/${name}`); }
  volume(name: string) { return this.pvs.get(name); }
  volumes() { return [...this.pvs.values()]; }
  storageClass(name: string) { return this.classes.get(name); }
  addClaim(name: string, o: { class?: string; volumeName?: string; size?: string } = {}) {
    this.claims.set(`default/${name}`, {
      metadata: { name, namespace: 'default', uid: `uid-${name}` },
      spec: { storageClassName: o.class, volumeName: o.volumeName, accessModes: ['ReadWriteOnce'], resources: { requests: { storage: o.size ?? '1Gi' } } },
      status: { phase: o.volumeName ? 'Bound' : 'Pending' },
    });
  }
  addPV(name: string, o: { class?: string; node?: string; size?: string; claim?: string } = {}) {
    this.pvs.set(name, {
      metadata: { name },
      spec: {
        storageClassName: o.class, capacity: { storage: o.size ?? '1Gi' }, accessModes: ['ReadWriteOnce'], local: { path: '/mnt' },
        claimRef: o.claim ? { namespace: 'default', name: o.claim, uid: `uid-${o.claim}` } : undefined,
        nodeAffinity: o.node ? { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: [o.node] }] }] } } : undefined,
      },
      status: { phase: o.claim ? 'Bound' : 'Available' },
    });
  }
  addClass(name: string, mode: 'Immediate' | 'WaitForFirstConsumer', provisioner = 'rancher.io/local-path') {
    this.classes.set(name, { metadata: { name }, provisioner, volumeBindingMode: mode });
  }
  /** What the PV controller does once a claim has a PV: volumeName and bind-completed. */
  bind(claim: string, pv: string) {
    const c = this.claims.get(`default/${claim}`)!;
    this.claims.set(`default/${claim}`, { ...c, metadata: { ...c.metadata, annotations: { ...c.metadata?.annotations, 'pv.kubernetes.io/bind-completed': 'yes' } }, spec: { ...c.spec, volumeName: pv }, status: { phase: 'Bound' } });
  }
}

function setup(v: Volumes, onWrite: { bindVolume?: (pv: string, claim: string) => void; selectNode?: (claim: string, node: string) => void } = {}) {
  const cache = new SchedulerCache();
  for (const n of ['n1', 'n2']) cache.setNode(node(n));
  const writes: string[] = [];
  const h: Handle = handle(cache, {
    volumes: v,
    volumeWriter: {
      async bindVolume(pv, claim) { writes.push(`bind ${pv.metadata!.name} ${claim.metadata!.name}`); onWrite.bindVolume?.(pv.metadata!.name!, claim.metadata!.name!); },
      async selectNode(claim, n) { writes.push(`select ${claim.metadata!.name} ${n}`); onWrite.selectNode?.(claim.metadata!.name!, n); },
    },
  });
  const profile = new Profile(defaultProfile(h, () => [], { schedulerName: 'default-scheduler' }));
  h.filter = (s, p, n) => profile.runFilter(s, p, n);
  const algo = new Algorithm(h);
  return {
    writes, profile,
    schedule(p: ReturnType<typeof pod>) {
      const state = new CycleState();
      const info = new PodInfo(p);
      return { r: algo.schedule(profile, state, info), state, info };
    },
  };
}

const withClaim = (name: string, claim: string) => pod(name, { volumes: [{ name: 'data', persistentVolumeClaim: { claimName: claim } }] });

test('VolumeBinding PreFilter: a missing claim and an unbound Immediate claim make the pod unschedulable with upstream messages', () => {
  const v = new Volumes();
  v.addClass('fast', 'Immediate');
  v.addClaim('pending', { class: 'fast' });
  const env = setup(v);
  const missing = env.schedule(withClaim('a', 'nope')).r;
  assert.equal(missing.kind, 'unschedulable');
  assert.equal(missing.kind === 'unschedulable' && missing.diagnosis.preFilterMsg, 'persistentvolumeclaim "nope" not found');
  const unbound = env.schedule(withClaim('b', 'pending')).r;
  assert.equal(unbound.kind === 'unschedulable' && unbound.diagnosis.preFilterMsg, 'pod has unbound immediate PersistentVolumeClaims');
  assert.equal(env.schedule(pod('c')).r.kind, 'scheduled', 'a pod without claims is not concerned');
});

test('VolumeBinding Filter: a bound PV with node affinity keeps the pod on that node; a missing PV is a reason', () => {
  const v = new Volumes();
  v.addPV('pv-n2', { node: 'n2', claim: 'data' });
  v.addClaim('data', { volumeName: 'pv-n2' });
  v.addClaim('lost', { volumeName: 'gone' });
  const env = setup(v);
  for (let i = 0; i < 5; i++) {
    const r = env.schedule(withClaim(`p${i}`, 'data')).r;
    assert.equal(r.kind === 'scheduled' && r.node, 'n2');
  }
  const lost = env.schedule(withClaim('q', 'lost')).r;
  assert.equal(lost.kind === 'unschedulable' && [...lost.diagnosis.statuses.values()][0].reasons[0], 'node(s) unavailable due to one or more pvc(s) bound to non-existent pv(s)');
  v.addPV('pv-n3', { node: 'n3', claim: 'elsewhere' });
  v.addClaim('elsewhere', { volumeName: 'pv-n3' });
  const far = env.schedule(withClaim('r', 'elsewhere')).r;
  assert.equal(far.kind === 'unschedulable' && [...far.diagnosis.statuses.values()].every(s => s.reasons[0] === 'node(s) had volume node affinity conflict'), true);
});

test('VolumeBinding WaitForFirstConsumer: a static PV on a node is chosen, claimRef written in PreBind, which waits for the binding', async () => {
  const v = new Volumes();
  v.addClass('local', 'WaitForFirstConsumer', 'kubernetes.io/no-provisioner');
  v.addPV('small-n1', { class: 'local', node: 'n1', size: '1Gi' });
  v.addClaim('big', { class: 'local', size: '5Gi' });
  v.addClaim('fits', { class: 'local', size: '1Gi' });
  const env = setup(v, {
    bindVolume: (pv, claim) => {
      const cur = v.pvs.get(pv)!;
      v.pvs.set(pv, { ...cur, spec: { ...cur.spec, claimRef: { namespace: 'default', name: claim, uid: `uid-${claim}` } } });
      setTimeout(() => v.bind(claim, pv), 30);
    },
  });
  const none = env.schedule(withClaim('a', 'big')).r;
  assert.equal(none.kind === 'unschedulable' && [...none.diagnosis.statuses.values()][0].reasons[0], "node(s) didn't find available persistent volumes to bind");
  const { r, state, info } = env.schedule(withClaim('b', 'fits'));
  assert.equal(r.kind === 'scheduled' && r.node, 'n1');
  assert.equal(env.profile.runReserve(state, info, 'n1'), null);
  // While promised to "fits", the PV is not offered to another claim.
  v.addClaim('rival', { class: 'local', size: '1Gi' });
  assert.equal(env.schedule(withClaim('c', 'rival')).r.kind, 'unschedulable');
  assert.equal(await env.profile.runPreBind(state, info, 'n1'), null);
  assert.deepEqual(env.writes, ['bind small-n1 fits']);
});

test('VolumeBinding WaitForFirstConsumer with a provisioner: PreBind selects the node and waits; a provisioner that gives up fails it', async () => {
  const v = new Volumes();
  v.addClass('local-path', 'WaitForFirstConsumer');
  v.addClaim('data', { class: 'local-path' });
  v.addClaim('doomed', { class: 'local-path' });
  const env = setup(v, {
    selectNode: (claim, n) => {
      const c = v.claims.get(`default/${claim}`)!;
      v.claims.set(`default/${claim}`, { ...c, metadata: { ...c.metadata, annotations: { 'volume.kubernetes.io/selected-node': n } } });
      if (claim === 'data') setTimeout(() => { v.addPV('pvc-1', { class: 'local-path', node: n, claim }); v.bind(claim, 'pvc-1'); }, 30);
      else setTimeout(() => v.claims.set(`default/${claim}`, c), 30);
    },
  });
  const { r, state, info } = env.schedule(withClaim('a', 'data'));
  assert.equal(r.kind, 'scheduled');
  const chosen = r.kind === 'scheduled' ? r.node : '';
  env.profile.runReserve(state, info, chosen);
  assert.equal(await env.profile.runPreBind(state, info, chosen), null);
  assert.deepEqual(env.writes, [`select data ${chosen}`]);

  const doomed = env.schedule(withClaim('b', 'doomed'));
  const node2 = doomed.r.kind === 'scheduled' ? doomed.r.node : '';
  env.profile.runReserve(doomed.state, doomed.info, node2);
  const st = await env.profile.runPreBind(doomed.state, doomed.info, node2);
  assert.deepEqual(st, { code: 'Error', reasons: ['selectedNode annotation reset for PVC "doomed"'], plugin: 'VolumeBinding' });
});
