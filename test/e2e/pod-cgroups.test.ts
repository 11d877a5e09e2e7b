// Pod-level and QoS cgroups of a real kubelet on containerd (cgroup v1, cgroupfs layout, as
// upstream's cgroupsPerQOS): a Guaranteed, a Burstable and a BestEffort pod each get `pod<uid>`
// under the pods' cgroup or their class's, with upstream's cpu.shares, CFS quota and memory limit
// read back from the host; their containers run below it; the Burstable class's shares follow its
// pods; deleting the pods removes their cgroups, so does finishing, and a pod cgroup of no pod is
// removed too.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { BUSYBOX_IMAGE } from '../../src/kubelet/images/builtin.js';
import { eventually } from './harness.js';
import { KubeletRig } from './support/kubelet-rig.js';
import { cgroupExists } from './support/leftovers.js';

const NODE = 'cgroups-e2e';
const POD_CIDR = '10.244.11.0/24';
const NODE_IP = '10.244.11.1';
const ROOT = `/k8ts-pod-cgroups-test-${process.pid}`;
const CGROUP_FS = '/sys/fs/cgroup';
/** memory.limit_in_bytes of a cgroup without a limit (the page-aligned maximum). */
const UNLIMITED = '9223372036854771712';

const read = (controller: string, path: string, file: string) => readFileSync(join(CGROUP_FS, controller, path, file), 'utf8').trim();

describe('pod and QoS cgroups', { timeout: 180_000 }, () => {
  let rig: KubeletRig | undefined;
  const uids = new Map<string, string>();

  const k = (args: string[], input?: string) => rig!.k(args, input);

  before(async () => {
    rig = await KubeletRig.start({ purpose: 'pod-cgroups', nodeName: NODE, podCIDR: POD_CIDR, nodeIP: NODE_IP, cgroupRoot: ROOT });
  });

  after(async () => {
    await rig?.stop();
  });

  const sleeper = (name: string, resources: object) => ({
    apiVersion: 'v1', kind: 'Pod', metadata: { name },
    spec: { nodeName: NODE, terminationGracePeriodSeconds: 1, containers: [{ name: 'main', image: BUSYBOX_IMAGE, command: ['sleep', '3600'], resources }] },
  });

  /** The cgroup path (in the memory hierarchy) of the pod's running container, from its process. */
  async function containerCgroup(uid: string): Promise<string> {
    const [c] = await rig!.runtime.listContainers({ labelSelector: { 'io.kubernetes.pod.uid': uid } });
    const info = JSON.parse((await rig!.runtime.containerStatusVerbose(c.id)).info?.info ?? '{}') as { pid?: number };
    const line = readFileSync(`/proc/${info.pid}/cgroup`, 'utf8').split('\n').find(l => /^\d+:memory:/.test(l));
    return line!.split(':')[2];
  }

  test('each pod gets its cgroup under its QoS class with upstream\'s settings, its container below it', async () => {
    await k(['apply', '-f', '-'], JSON.stringify({
      apiVersion: 'v1', kind: 'List', items: [
        sleeper('guaranteed', { requests: { cpu: '250m', memory: '64Mi' }, limits: { cpu: '250m', memory: '64Mi' } }),
        sleeper('burstable', { requests: { cpu: '100m', memory: '16Mi' }, limits: { cpu: '500m', memory: '128Mi' } }),
        sleeper('besteffort', {}),
      ],
    }));
    for (const name of ['guaranteed', 'burstable', 'besteffort']) {
      const p = await eventually(async () => {
        const p = JSON.parse(await k(['get', 'pod', name, '-o', 'json'])) as { metadata: { uid: string }; status?: { phase?: string; qosClass?: string } };
        return p.status?.phase === 'Running' && p;
      }, 60_000, `${name} Running`);
      uids.set(name, p.metadata.uid);
    }
    const g = `${ROOT}/pod${uids.get('guaranteed')}`;
    const b = `${ROOT}/burstable/pod${uids.get('burstable')}`;
    const e = `${ROOT}/besteffort/pod${uids.get('besteffort')}`;
    const settings = (path: string) => ({
      shares: read('cpu', path, 'cpu.shares'), quota: read('cpu', path, 'cpu.cfs_quota_us'), period: read('cpu', path, 'cpu.cfs_period_us'),
      memory: read('memory', path, 'memory.limit_in_bytes'),
    });
    assert.deepEqual(settings(g), { shares: '256', quota: '25000', period: '100000', memory: String(64 * 2 ** 20) });
    assert.deepEqual(settings(b), { shares: '102', quota: '50000', period: '100000', memory: String(128 * 2 ** 20) });
    assert.deepEqual(settings(e), { shares: '2', quota: '-1', period: '100000', memory: UNLIMITED });
    assert.equal(read('cpu', `${ROOT}/besteffort`, 'cpu.shares'), '2');
    assert.equal(read('cpu', `${ROOT}/burstable`, 'cpu.shares'), '102');
    for (const [name, path] of [['guaranteed', g], ['burstable', b], ['besteffort', e]]) {
      assert.ok((await containerCgroup(uids.get(name)!)).startsWith(`${path}/`), `${name}'s container runs below ${path}`);
      for (const controller of ['cpuacct', 'pids']) assert.ok(existsSync(join(CGROUP_FS, controller, path)), `${controller} ${path}`);
    }
  });

  test('a second Burstable pod raises its class\'s shares; deleted pods lose their cgroups and lower them again', async () => {
    await k(['apply', '-f', '-'], JSON.stringify(sleeper('burstable-2', { requests: { cpu: '1' } })));
    await eventually(() => read('cpu', `${ROOT}/burstable`, 'cpu.shares') === '1126', 60_000, 'burstable shares 102 + 1024');
    const uid2 = (JSON.parse(await k(['get', 'pod', 'burstable-2', '-o', 'json'])) as { metadata: { uid: string } }).metadata.uid;
    const paths = [`${ROOT}/pod${uids.get('guaranteed')}`, `${ROOT}/burstable/pod${uids.get('burstable')}`, `${ROOT}/besteffort/pod${uids.get('besteffort')}`, `${ROOT}/burstable/pod${uid2}`];
    assert.ok(paths.every(p => cgroupExists(p)));
    await k(['delete', 'pod', 'guaranteed', 'burstable', 'besteffort', 'burstable-2', '--wait=true']);
    await eventually(() => paths.every(p => !cgroupExists(p)), 30_000, 'pod cgroups removed from every hierarchy');
    // The kubelet updates the class's shares once the pod cgroups are gone: a moment later.
    await eventually(() => read('cpu', `${ROOT}/burstable`, 'cpu.shares') === '2', 30_000, 'burstable shares back to 2');
    assert.ok(cgroupExists(`${ROOT}/besteffort`), 'the QoS cgroups stay');
  });

  test('a finished pod keeps its object but loses its cgroup', async () => {
    await k(['apply', '-f', '-'], JSON.stringify({
      apiVersion: 'v1', kind: 'Pod', metadata: { name: 'once' },
      spec: { nodeName: NODE, restartPolicy: 'Never', containers: [{ name: 'main', image: BUSYBOX_IMAGE, command: ['sleep', '2'], resources: { requests: { cpu: '50m' } } }] },
    }));
    const uid = (JSON.parse(await k(['get', 'pod', 'once', '-o', 'json'])) as { metadata: { uid: string } }).metadata.uid;
    const path = `${ROOT}/burstable/pod${uid}`;
    await eventually(() => cgroupExists(path), 30_000, 'its cgroup made');
    await eventually(async () => (await k(['get', 'pod', 'once', '-o', 'jsonpath={.status.phase}'])) === 'Succeeded', 60_000, 'once Succeeded');
    await eventually(() => !cgroupExists(path), 30_000, 'the finished pod\'s cgroup removed');
    await eventually(() => read('cpu', `${ROOT}/burstable`, 'cpu.shares') === '2', 30_000, 'a finished pod\'s requests no longer counted');
    await k(['delete', 'pod', 'once', '--wait=true']);
  });

  test('a pod cgroup of no pod on the node is removed', async () => {
    const orphan = `${ROOT}/burstable/pod00000000-0000-0000-0000-00000000dead`;
    for (const c of ['cpu', 'memory']) mkdirSync(join(CGROUP_FS, c, orphan));
    await eventually(() => !cgroupExists(orphan), 30_000, 'orphaned pod cgroup removed');
  });
});
