// `k8ts why` end to end: a real server, its own scheduler and controllers, simulated nodes with
// labels, a taint and little cpu, the real kubectl. A pending pod is explained node by node with
// the scheduler's own reasons (node selector, taint, insufficient cpu); a Deployment whose pods can
// never be ready is explained by its stuck rollout, its ReplicaSet's quota denial and its pending
// pods; Services without endpoints by their selector, the near misses and the pods that match but
// are not ready; the API answers only those who may get the object. On a real node (containerd,
// the kubelet's probes): a Deployment whose container never passes its readiness probe, and a
// crash-looping pod.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Explanation } from '../../src/api/why.js';
import { BUSYBOX_IMAGE } from '../../src/kubelet/images/builtin.js';
import { startSimNodes, type SimNodes } from './cluster-sim.js';
import { K8TS_BIN, TestCluster, eventually, run } from './harness.js';
import { NetnsCluster } from './support/netns-cluster.js';

/** A cluster `k8ts why` can reach: a server on the host, or one in a network namespace (`netns`: its path). */
interface Reachable { kubeconfig: string; netns?: string }

const why = (c: Reachable, args: string[]) => {
  const argv = [process.execPath, K8TS_BIN, 'why', ...args, '--kubeconfig', c.kubeconfig];
  return c.netns ? run('nsenter', [`--net=${c.netns}`, '--', ...argv]) : run(argv[0], argv.slice(1));
};

async function explanation(c: Reachable, args: string[]): Promise<Explanation> {
  const r = await why(c, [...args, '-o', 'json']);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout) as Explanation;
}

const findings = (e: Explanation, title: string) => e.sections.find(s => s.title === title)?.findings ?? [];

describe('why', () => {
  let c: TestCluster;
  const nodes: SimNodes[] = [];

  before(async () => {
    c = await TestCluster.start();
    // hdd-0: the wrong disk; infra-0: the right disk but tainted; small-0: the right disk, one cpu.
    nodes.push(await startSimNodes(c, 1, 'hdd-', ['--labels', 'disk=hdd', '--cpu', '4']));
    nodes.push(await startSimNodes(c, 1, 'infra-', ['--labels', 'disk=ssd', '--cpu', '4', '--taints', 'dedicated=infra:NoSchedule']));
    nodes.push(await startSimNodes(c, 1, 'small-', ['--labels', 'disk=ssd', '--cpu', '1']));
  });
  after(async () => {
    for (const n of nodes) await n.stop();
    await c?.stop();
  });

  test('a pending pod: which filter rejected which node, in the scheduler\'s words', async () => {
    await c.k(['apply', '-f', '-'], `apiVersion: v1
kind: Pod
metadata: {name: picky}
spec:
  nodeSelector: {disk: ssd}
  containers: [{name: app, image: nginx, resources: {requests: {cpu: "2"}}}]
---
apiVersion: v1
kind: Pod
metadata: {name: huge}
spec:
  tolerations: [{key: dedicated, operator: Exists}]
  containers: [{name: app, image: nginx, resources: {requests: {cpu: "64"}}}]
`);
    const picky = await eventually(async () => {
      const e = await explanation(c, ['pod/picky']);
      return findings(e, 'Scheduling').some(f => f.subject?.startsWith('node/')) ? e : undefined;
    }, 30_000, 'the per-node verdict of picky');
    assert.match(picky.summary, /^Pending: not scheduled: 0\/3 nodes are available: /);
    assert.equal(picky.severity, 'error');
    const byNode = Object.fromEntries(findings(picky, 'Scheduling').filter(f => f.subject?.startsWith('node/')).map(f => [f.subject, [f.text, f.detail]]));
    assert.deepEqual(byNode, {
      'node/hdd-0': ["node(s) didn't match Pod's node affinity/selector", 'rejected by the NodeAffinity filter'],
      'node/infra-0': ['node(s) had untolerated taint {dedicated: infra}', 'rejected by the TaintToleration filter'],
      'node/small-0': ['Insufficient cpu', 'rejected by the NodeResourcesFit filter'],
    });

    const huge = await eventually(async () => {
      const e = await explanation(c, ['po/huge', '-n', 'default']);
      return findings(e, 'Scheduling').filter(f => f.subject?.startsWith('node/')).length === 3 ? e : undefined;
    }, 30_000, 'the per-node verdict of huge');
    assert.ok(findings(huge, 'Scheduling').filter(f => f.subject?.startsWith('node/')).every(f => f.text === 'Insufficient cpu'));

    // The readable form names each node with its reason.
    const text = await why(c, ['pod/picky']);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /^pod\/picky in namespace default\nERROR: Pending: not scheduled: 0\/3 nodes are available/);
    assert.match(text.stdout, /error\s+node\/small-0\s+Insufficient cpu\n\s+rejected by the NodeResourcesFit filter/);
    assert.match(text.stdout, /error\s+node\/infra-0\s+node\(s\) had untolerated taint \{dedicated: infra\}/);
    assert.match(text.stdout, /\nEvents:\n\s+warning\s+FailedScheduling\s+0\/3 nodes are available/);
  });

  test('a Deployment whose pods cannot become ready: stuck rollout, quota denial, pending pods', async () => {
    await c.k(['create', 'namespace', 'shop']);
    await c.k(['apply', '-f', '-'], `apiVersion: v1
kind: ResourceQuota
metadata: {name: pods, namespace: shop}
spec: {hard: {pods: "1"}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: stuck, namespace: shop}
spec:
  replicas: 2
  progressDeadlineSeconds: 5
  selector: {matchLabels: {app: stuck}}
  template:
    metadata: {labels: {app: stuck}}
    spec:
      nodeSelector: {disk: nvme}
      containers: [{name: app, image: nginx, ports: [{name: http, containerPort: 80}]}]
`);
    const e = await eventually(async () => {
      const x = await explanation(c, ['deploy/stuck', '-n', 'shop']);
      return x.summary.startsWith('Rollout stuck') && findings(x, 'ReplicaSets').some(f => /FailedCreate/.test(f.subject ?? '')) ? x : undefined;
    }, 60_000, 'a stuck rollout with a quota denial');
    assert.match(e.summary, /^Rollout stuck: ProgressDeadlineExceeded: ReplicaSet "stuck-[a-z0-9]+" has timed out progressing\. \(\d of 2 updated, 0 available\)$/);
    const rs = findings(e, 'ReplicaSets');
    assert.match(rs[0].text, /^new: 2 desired, 1 current, 0 ready$/);
    assert.match(rs.find(f => /FailedCreate/.test(f.subject ?? ''))!.text, /is forbidden: exceeded quota: pods, requested: pods=1, used: pods=1, limited: pods=1/);
    const pods = findings(e, 'Pods not ready');
    assert.equal(pods.length, 1);
    assert.match(pods[0].text, /^Pending: not scheduled: 0\/3 nodes are available: 1 node\(s\) had untolerated taint \{dedicated: infra\}, 2 node\(s\) didn't match Pod's node affinity\/selector\./);
    assert.deepEqual(findings(e, 'Conditions').find(f => f.subject === 'condition/Progressing')?.text, 'False (ProgressDeadlineExceeded)');
    // Through the full name too, and the pod's own explanation names the ReplicaSet's quota denial.
    const full = await explanation(c, ['deployment.apps/stuck', '-n', 'shop']);
    assert.equal(full.target.name, 'stuck');
    const podName = pods[0].subject!.split('/')[1];
    const pod = await explanation(c, [`pod/${podName}`, '-n', 'shop']);
    assert.ok(findings(pod, 'Owners').some(f => f.subject === 'FailedCreate' && /exceeded quota/.test(f.text)), JSON.stringify(findings(pod, 'Owners')));
    assert.ok(findings(pod, 'Owners').some(f => f.subject === 'deployment/stuck'));
  });

  test('Services without endpoints: a selector matching nothing, matching pods not ready, no selector', async () => {
    // shop's quota is used up by the stuck Deployment's pod: the others live in front.
    await c.k(['create', 'namespace', 'front']);
    await c.k(['apply', '-f', '-'], `apiVersion: v1
kind: Pod
metadata: {name: ghostly, namespace: front, labels: {app: ghosts}}
spec:
  containers: [{name: app, image: nginx}]
---
apiVersion: v1
kind: Service
metadata: {name: ghost, namespace: front}
spec: {selector: {app: ghost}, ports: [{port: 80}]}
---
apiVersion: v1
kind: Service
metadata: {name: backend, namespace: shop}
spec: {selector: {app: stuck}, ports: [{port: 80, targetPort: http}]}
---
apiVersion: v1
kind: Service
metadata: {name: manual, namespace: front}
spec: {ports: [{port: 80}]}
`);
    const ghost = await explanation(c, ['svc/ghost', '-n', 'front']);
    assert.equal(ghost.summary, 'No endpoints: selector app=ghost matches no pod in namespace front');
    assert.deepEqual(findings(ghost, 'Near misses').map(f => [f.subject, f.text]), [['pod/ghostly', 'app=ghosts (want app=ghost)']]);

    const backend = await explanation(c, ['service/backend', '-n', 'shop']);
    assert.equal(backend.summary, 'No ready endpoints: 1 pod matches selector app=stuck, none is a ready endpoint');
    const [matching] = findings(backend, 'Matching pods');
    assert.match(matching.subject!, /^pod\/stuck-/);
    assert.match(matching.text, /^Pending: not scheduled: 0\/3 nodes are available/);

    const manual = await explanation(c, ['svc/manual', '-n', 'front']);
    assert.equal(manual.summary, 'No endpoints: the Service has no selector and there is no Endpoints object named manual');
    assert.equal(manual.severity, 'error');
  });

  test('the API answers only users who may get the object; a missing object is 404', async () => {
    await c.k(['create', 'namespace', 'mine']);
    await c.k(['create', 'rolebinding', 'viewers', '-n', 'mine', '--clusterrole=view', '--user=alice']);
    await c.k(['create', 'configmap', 'settings', '-n', 'mine', '--from-literal=a=b']);
    const allowed = JSON.parse(await c.k(['--as', 'alice', 'get', '--raw', '/apis/why.k8ts.io/v1alpha1/api/v1/namespaces/mine/configmaps/settings'])) as Explanation;
    assert.equal(allowed.kind, 'Explanation');
    assert.equal(allowed.summary, 'No conditions and no warning events');
    const denied = await c.kubectl(['--as', 'alice', 'get', '--raw', '/apis/why.k8ts.io/v1alpha1/api/v1/namespaces/front/services/ghost']);
    assert.notEqual(denied.code, 0);
    assert.match(denied.stderr, /forbidden/i);
    // Any other kind: its conditions (a cluster-scoped Node here, -n ignored).
    const node = await explanation(c, ['node/hdd-0', '-n', 'shop']);
    assert.match(node.summary, /^All \d+ conditions healthy$/);
    assert.ok(findings(node, 'Conditions').some(f => f.subject === 'condition/Ready' && f.severity === 'ok'));
    const missing = await why(c, ['pod/nope']);
    assert.notEqual(missing.code, 0);
    assert.equal(missing.stderr, 'Error from server (NotFound): pods "nope" not found\n');
  });
});

describe('why on a real node', () => {
  let c: NetnsCluster;

  before(async () => {
    c = await NetnsCluster.start({ agents: 0 });
  });
  after(async () => {
    await c?.destroy();
  });

  test('a Deployment whose container never passes its readiness probe, and a crash-looping pod', async () => {
    const server = { kubeconfig: c.kubeconfig, netns: c.server.netns.path };
    await c.k(['apply', '-f', '-'], `apiVersion: apps/v1
kind: Deployment
metadata: {name: unready}
spec:
  replicas: 1
  progressDeadlineSeconds: 8
  selector: {matchLabels: {app: unready}}
  template:
    metadata: {labels: {app: unready}}
    spec:
      terminationGracePeriodSeconds: 1
      containers:
      - name: app
        image: ${BUSYBOX_IMAGE}
        command: [sleep, "3600"]
        readinessProbe: {exec: {command: [sh, -c, 'echo warming up; exit 1']}, periodSeconds: 1}
---
apiVersion: v1
kind: Pod
metadata: {name: crasher}
spec:
  terminationGracePeriodSeconds: 1
  containers: [{name: app, image: ${BUSYBOX_IMAGE}, command: [sh, -c, 'echo boom; exit 3']}]
`);
    const d = await eventually(async () => {
      const e = await explanation(server, ['deploy/unready']);
      return e.summary.startsWith('Rollout stuck') && findings(e, 'Pods not ready').some(f => /Readiness probe failed/.test(f.text)) ? e : undefined;
    }, 90_000, 'a stuck rollout whose pod fails its readiness probe');
    assert.match(d.summary, /^Rollout stuck: ProgressDeadlineExceeded: ReplicaSet "unready-[a-z0-9]+" has timed out progressing\. \(1 of 1 updated, 0 available\)$/);
    const [pod] = findings(d, 'Pods not ready');
    assert.match(pod.subject!, /^pod\/unready-/);
    assert.match(pod.text, /^Running, not ready: container app not ready \(Readiness probe failed: warming up/);

    const crasher = await eventually(async () => {
      const e = await explanation(server, ['pod/crasher']);
      return findings(e, 'Containers').some(f => f.text === 'waiting: CrashLoopBackOff') ? e : undefined;
    }, 60_000, 'crasher in CrashLoopBackOff');
    assert.match(crasher.summary, /^Running: container app is waiting: CrashLoopBackOff \(back-off \d+s restarting failed container=app/, crasher.summary);
    const last = findings(crasher, 'Containers').find(f => f.text.startsWith('last terminated'));
    assert.match(last?.text ?? '', /^last terminated: Error \(exit code 3\)$/);
    assert.match(last?.detail ?? '', /restarted [1-9]\d* times$/);
  });
});
