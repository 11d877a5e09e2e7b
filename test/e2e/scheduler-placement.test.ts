// Scheduler end to end: a real `k8ts server`, simulated nodes with zones and taints, the real
// kubectl. Taints, node selectors, anti-affinity and spreading place pods where they must; an
// impossible pod gets upstream's FailedScheduling text (and keeps its PodScheduled transition time
// when a retry only changes the message); a high-priority pod preempts; of two
// leader-elected schedulers the standby takes over when the leader dies. The server's own
// in-process scheduler places the pods of the first tests; the failover pair serves a profile of
// its own on a Lease of its own, so the server's scheduler stays out of that test.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { REPO_ROOT, TestCluster, eventually } from './harness.js';
import { getJson } from './cluster-sim.js';

interface ConditionLike { type: string; status: string; reason?: string; message?: string; lastTransitionTime?: string }
interface PodLike { metadata: { name: string; labels?: Record<string, string> }; spec: { nodeName?: string }; status?: { phase?: string } }

/** Runs one of our commands in a child process straight from the build (no CLI dispatch needed). */
function command(module: string, fn: string, args: string[]): ChildProcess {
  const file = join(REPO_ROOT, 'dist', 'src', module);
  const script = `import(${JSON.stringify(file)}).then(m => m.${fn}(${JSON.stringify(args)})).then(c => process.exit(c), e => { console.error(e); process.exit(1); });`;
  return spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: 'ignore' });
}

async function stop(p: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (p.exitCode !== null || p.signalCode !== null) return;
  const exited = new Promise(r => p.once('exit', r));
  p.kill(signal);
  await exited;
}

const podsOf = async (c: TestCluster, selector: string) => (await getJson<{ items: PodLike[] }>(c, ['get', 'pods', '-l', selector])).items;

describe('scheduler with kubectl and simulated nodes', () => {
  let c: TestCluster;
  const procs: ChildProcess[] = [];

  before(async () => {
    c = await TestCluster.start();
    const sim = (args: string[]) => procs.push(command('cli/sim-nodes-command.js', 'runSimNodesCommand', ['--kubeconfig', c.kubeconfig, ...args]));
    sim(['--count', '4', '--name-prefix', 'w-', '--cpu', '2', '--zones', 'zone-a,zone-b']);
    sim(['--count', '1', '--name-prefix', 'cp-', '--taints', 'node-role.kubernetes.io/control-plane=:NoSchedule', '--labels', 'node-role.kubernetes.io/control-plane=']);
    await eventually(async () => (await c.k(['get', 'nodes', '-o', 'name'])).trim().split('\n').length === 5, 30_000, '5 nodes');
  });
  after(async () => {
    for (const p of procs) await stop(p);
    await c?.stop();
  });

  test('taints, node selectors, anti-affinity and spreading place pods where they must', async () => {
    await c.k(['apply', '-f', '-'], `apiVersion: apps/v1
kind: Deployment
metadata: {name: spread}
spec:
  replicas: 4
  selector: {matchLabels: {app: spread}}
  template:
    metadata: {labels: {app: spread}}
    spec:
      topologySpreadConstraints: [{maxSkew: 1, topologyKey: topology.kubernetes.io/zone, whenUnsatisfiable: DoNotSchedule, labelSelector: {matchLabels: {app: spread}}}]
      affinity:
        podAntiAffinity:
          requiredDuringSchedulingIgnoredDuringExecution: [{labelSelector: {matchLabels: {app: spread}}, topologyKey: kubernetes.io/hostname}]
      containers: [{name: c, image: nginx}]
---
apiVersion: v1
kind: Pod
metadata: {name: on-cp, labels: {app: cp}}
spec:
  nodeSelector: {node-role.kubernetes.io/control-plane: ""}
  tolerations: [{key: node-role.kubernetes.io/control-plane, operator: Exists, effect: NoSchedule}]
  containers: [{name: c, image: nginx}]
`);
    const pods = await eventually(async () => {
      const items = await podsOf(c, 'app=spread');
      return items.length === 4 && items.every(p => p.spec.nodeName) ? items : undefined;
    }, 60_000, 'spread pods bound');
    const hosts = pods.map(p => p.spec.nodeName!);
    assert.equal(new Set(hosts).size, 4, `one per host: ${hosts}`);
    assert.ok(hosts.every(h => h.startsWith('w-')), 'none on the tainted control-plane node');
    const zones = hosts.map(h => Number(h.slice(2)) % 2);
    assert.equal(zones.filter(z => z === 0).length, 2, 'two per zone');
    const cp = await eventually(async () => (await podsOf(c, 'app=cp'))[0]?.spec.nodeName, 30_000, 'cp pod bound');
    assert.equal(cp, 'cp-0');
  });

  test("an impossible pod gets upstream's FailedScheduling message", async () => {
    await c.k(['run', 'huge', '--image=nginx', '--overrides', JSON.stringify({ spec: { containers: [{ name: 'huge', image: 'nginx', resources: { requests: { cpu: '3' } } }] } })]);
    const msg = await eventually(async () => {
      const ev = await getJson<{ items: { reason: string; message: string }[] }>(c, ['get', 'events', '--field-selector', 'involvedObject.name=huge,reason=FailedScheduling']);
      return ev.items[0]?.message;
    }, 30_000, 'FailedScheduling event');
    assert.equal(msg, '0/5 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 4 Insufficient cpu. ' +
      'preemption: 0/5 nodes are available: 1 Preemption is not helpful for scheduling, 4 No preemption victims found for incoming pod.');
    const condition = async () => (await getJson<{ status?: { conditions?: ConditionLike[] } }>(c, ['get', 'pod', 'huge'])).status?.conditions?.find(x => x.type === 'PodScheduled');
    const first = await condition();
    assert.equal(first?.reason, 'Unschedulable');
    // A retry that only changes the message keeps lastTransitionTime: the status stays False, as
    // upstream's UpdatePodCondition. Cordoning a node is a cluster event that retries the pod.
    await new Promise(r => setTimeout(r, 1100)); // the timestamps have second resolution
    const [worker] = (await c.k(['get', 'nodes', '-o', 'name'])).trim().split('\n').filter(n => n.startsWith('node/w-'));
    await c.k(['cordon', worker]);
    try {
      const retried = await eventually(async () => {
        const x = await condition();
        return x?.message !== first?.message ? x : undefined;
      }, 30_000, 'a retry with a new message');
      assert.equal(retried.status, 'False');
      assert.equal(retried.lastTransitionTime, first?.lastTransitionTime);
    } finally {
      await c.k(['uncordon', worker]);
    }
    await c.k(['delete', 'pod', 'huge', '--wait=false']);
  });

  test('a high-priority pod preempts a lower-priority one', async () => {
    await c.k(['apply', '-f', '-'], `apiVersion: scheduling.k8s.io/v1
kind: PriorityClass
metadata: {name: high}
value: 1000
---
apiVersion: scheduling.k8s.io/v1
kind: PriorityClass
metadata: {name: low}
value: 10
`);
    // Fill every worker's 2 cpus with low-priority pods (the spread pods ask for nothing).
    const filler = (i: number) => `apiVersion: v1
kind: Pod
metadata: {name: filler-${i}, labels: {app: filler}}
spec:
  priorityClassName: low
  priority: 10
  containers: [{name: c, image: nginx, resources: {requests: {cpu: "2"}}}]
---
`;
    await c.k(['apply', '-f', '-'], [0, 1, 2, 3].map(filler).join(''));
    await eventually(async () => (await podsOf(c, 'app=filler')).filter(p => p.spec.nodeName).length === 4, 30_000, 'fillers bound');
    await c.k(['apply', '-f', '-'], `apiVersion: v1
kind: Pod
metadata: {name: vip, labels: {app: vip}}
spec:
  priorityClassName: high
  priority: 1000
  containers: [{name: c, image: nginx, resources: {requests: {cpu: "1"}}}]
`);
    const node = await eventually(async () => (await podsOf(c, 'app=vip'))[0]?.spec.nodeName, 60_000, 'vip bound after preemption');
    const fillers = await podsOf(c, 'app=filler');
    assert.ok(!fillers.some(f => f.spec.nodeName === node && f.status?.phase === 'Running' && !(f as { metadata: { deletionTimestamp?: string } }).metadata.deletionTimestamp), 'the victim left the node');
    const preempted = await getJson<{ items: unknown[] }>(c, ['get', 'events', '--field-selector', 'reason=Preempted']);
    assert.ok(preempted.items.length >= 1);
  });

  test('leader failover: the standby scheduler takes over when the leader dies', async () => {
    const args = ['--kubeconfig', c.kubeconfig, '--leader-elect-lease-duration', '3', '--lease-name', 'failover-scheduler', '--scheduler-name', 'failover-scheduler'];
    const pair = [command('cli/scheduler-command.js', 'runSchedulerCommand', args), command('cli/scheduler-command.js', 'runSchedulerCommand', args)];
    procs.push(...pair);
    const holder = () => c.k(['get', 'lease', '-n', 'kube-system', 'failover-scheduler', '-o', 'jsonpath={.spec.holderIdentity}']);
    const first = await eventually(holder, 30_000, 'a leader');
    const pod = (name: string) => `apiVersion: v1
kind: Pod
metadata: {name: ${name}, labels: {app: ${name}}}
spec: {schedulerName: failover-scheduler, containers: [{name: c, image: nginx}]}
`;
    await c.k(['apply', '-f', '-'], pod('before-failover'));
    await eventually(async () => (await podsOf(c, 'app=before-failover'))[0]?.spec.nodeName, 30_000, 'pod scheduled by the first leader');
    // Kill the leader (identity is host_pid) without a graceful release.
    const leader = pair.find(p => first.endsWith(`_${p.pid}`));
    assert.ok(leader, `lease held by one of the pair: ${first}`);
    await stop(leader!, 'SIGKILL');
    await eventually(async () => { const h = await holder(); return h && h !== first; }, 30_000, 'new lease holder');
    await c.k(['apply', '-f', '-'], pod('after-failover'));
    await eventually(async () => (await podsOf(c, 'app=after-failover'))[0]?.spec.nodeName, 30_000, 'pod scheduled by the new leader');
  });
});
