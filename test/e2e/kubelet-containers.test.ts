// The kubelet on a real containerd in a test network namespace, driven by the real kubectl against
// a real k8ts server: pods become Ready through probes, restart on liveness failure, go
// CrashLoopBackOff, get OOMKilled, complete as Job pods, see their configMap/secret volumes and env,
// stop on deletion, and keep running across a kubelet restart.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ImageClient } from '../../src/kubelet/cri/client.js';
import { mountsUnder } from '../../src/util/mountinfo.js';
import { BUSYBOX_IMAGE, K8TS_IMAGE } from '../../src/kubelet/images/builtin.js';
import { eventually } from './harness.js';
import { KubeletRig } from './support/kubelet-rig.js';
import { watchRuntimeDefaultCgroup } from './support/leftovers.js';

const NODE = 'kubelet-e2e';
const POD_CIDR = '10.244.9.0/24';
const NODE_IP = '10.244.9.1'; // the cni0 bridge: the node's address inside its namespace
// The pods' cgroup parent, ours to remove (the kubelet of a real node has --cgroup-root).
const CGROUP_PARENT = `/k8ts-kubelet-test-${process.pid}`;

interface PodJson {
  metadata: { uid: string; name: string };
  status?: {
    phase?: string; podIP?: string; hostIP?: string;
    conditions?: { type: string; status: string; reason?: string }[];
    containerStatuses?: {
      name: string; ready: boolean; restartCount: number; containerID?: string;
      state?: { running?: object; waiting?: { reason?: string; message?: string }; terminated?: { reason?: string; exitCode?: number; message?: string } };
      lastState?: { terminated?: { reason?: string; exitCode?: number; message?: string } };
    }[];
  };
}

describe('kubelet on containerd', { timeout: 300_000 }, () => {
  let rig: KubeletRig | undefined;
  let dir: string;

  const k = (args: string[], input?: string) => rig!.k(args, input);
  const pod = async (name: string) => JSON.parse(await k(['get', 'pod', name, '-o', 'json'])) as PodJson;
  const cond = (p: PodJson, type: string) => p.status?.conditions?.find(c => c.type === type)?.status;
  const cs = (p: PodJson, name?: string) => p.status?.containerStatuses?.find(c => !name || c.name === name);
  const events = async (name: string) => (await k(['get', 'events', '--field-selector', `involvedObject.name=${name}`, '-o', 'jsonpath={range .items[*]}{.reason}: {.message}{"\\n"}{end}'])).trim().split('\n');

  async function podsOfUid(uid: string) {
    return (await rig!.runtime.listContainers({ labelSelector: { 'io.kubernetes.pod.uid': uid } }));
  }

  const defaultCgroup = watchRuntimeDefaultCgroup();

  before(async () => {
    rig = await KubeletRig.start({ purpose: 'kubelet', nodeName: NODE, podCIDR: POD_CIDR, nodeIP: NODE_IP, cgroupRoot: CGROUP_PARENT, heartbeat: true });
    dir = rig.dir;
  });

  after(async () => {
    await rig?.stop();
    assert.equal(defaultCgroup.createdSince(), false, 'a sandbox without our cgroup parent left containerd\'s /k8s.io cgroup');
  });

  test('an httpd pod becomes Ready through its readiness probe and reports IPs and events', async () => {
    await k(['apply', '-f', '-'], JSON.stringify({
      apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web' },
      spec: {
        nodeName: NODE,
        containers: [{
          name: 'httpd', image: BUSYBOX_IMAGE,
          command: ['sh', '-c', 'mkdir -p /www && echo hello > /www/index.html && exec httpd -f -p 80 -h /www'],
          ports: [{ containerPort: 80 }],
          readinessProbe: { httpGet: { path: '/index.html', port: 80 }, periodSeconds: 1 },
          livenessProbe: { tcpSocket: { port: 80 }, periodSeconds: 2 },
        }],
      },
    }));
    const p = await eventually(async () => { const p = await pod('web'); return cond(p, 'Ready') === 'True' && p; }, 60_000, 'web Ready');
    assert.equal(p.status?.phase, 'Running');
    assert.match(p.status?.podIP ?? '', /^10\.244\.9\./);
    assert.equal(p.status?.hostIP, NODE_IP);
    assert.equal(cond(p, 'ContainersReady'), 'True');
    assert.equal(cond(p, 'Initialized'), 'True');
    assert.equal(cond(p, 'PodReadyToStartContainers'), 'True');
    assert.match(cs(p)?.containerID ?? '', /^containerd:\/\/[0-9a-f]{64}$/);
    const ev = await events('web');
    assert.ok(ev.includes('Created: Created container httpd'), ev.join('\n'));
    assert.ok(ev.includes('Started: Started container httpd'), ev.join('\n'));
    const wide = await k(['get', 'pod', 'web', '-o', 'wide']);
    assert.match(wide, /web\s+1\/1\s+Running\s+0/);
  });

  test('the k8ts image is imported when a pod first asks for it and runs k8ts itself', async () => {
    const images = new ImageClient(rig!.criEndpoint);
    try {
      assert.equal(await images.imageStatus(K8TS_IMAGE), null, 'not imported with the images a node starts with');
    } finally {
      images.close();
    }
    await k(['apply', '-f', '-'], JSON.stringify({
      apiVersion: 'v1', kind: 'Pod', metadata: { name: 'k8ts-help' },
      // This test node has no kubelet server for `kubectl logs`: k8ts's stderr comes back as the
      // termination message instead.
      spec: {
        nodeName: NODE, restartPolicy: 'Never',
        containers: [{ name: 'k8ts', image: K8TS_IMAGE, imagePullPolicy: 'Always', args: ['no-such-command'], terminationMessagePolicy: 'FallbackToLogsOnError' }],
      },
    }));
    const done = await eventually(async () => { const p = await pod('k8ts-help'); return p.status?.phase === 'Failed' && p; }, 120_000, 'k8ts in its image runs and fails as told');
    assert.deepEqual({ exitCode: cs(done)?.state?.terminated?.exitCode, message: cs(done)?.state?.terminated?.message?.trim() }, { exitCode: 2, message: 'k8ts: unknown command "no-such-command"; run \'k8ts --help\'' });
    const ev = await events('k8ts-help');
    assert.ok(ev.includes(`Pulled: Container image "${K8TS_IMAGE}" already present on machine`), ev.join('\n'));
  });

  test('a steady pod\'s status is not rewritten by periodic resyncs', async () => {
    const rv = JSON.parse(await k(['get', 'pod', 'web', '-o', 'json'])).metadata.resourceVersion as string;
    // Several resyncs (every 2 s here) and probe runs (every 1 s) later, nothing was written.
    await new Promise(r => setTimeout(r, 5000));
    assert.equal(JSON.parse(await k(['get', 'pod', 'web', '-o', 'json'])).metadata.resourceVersion, rv);
  });

  test('configMap and secret volumes, env and the downward API are visible inside', async () => {
    await k(['create', 'configmap', 'app-config', '--from-literal=greeting=hello-from-cm']);
    await k(['create', 'secret', 'generic', 'app-secret', '--from-literal=password=s3cr3t']);
    await k(['apply', '-f', '-'], JSON.stringify({
      apiVersion: 'v1', kind: 'Pod', metadata: { name: 'reader', labels: { app: 'reader' } },
      spec: {
        nodeName: NODE, restartPolicy: 'Never',
        containers: [{
          name: 'c', image: BUSYBOX_IMAGE,
          command: ['sh', '-c', 'echo "cm=$(cat /cfg/greeting) secret=$(cat /sec/password) env=$GREETING pw=$PW pod=$POD ip=$IP msg=$(MSG) mem=$MEM"; cat /info/labels; echo; ls /sec; echo; stat -c %a /sec/..data/password; echo -n all read > /dev/termination-log'],
          env: [
            { name: 'GREETING', valueFrom: { configMapKeyRef: { name: 'app-config', key: 'greeting' } } },
            { name: 'PW', valueFrom: { secretKeyRef: { name: 'app-secret', key: 'password' } } },
            { name: 'POD', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
            { name: 'IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
            { name: 'MEM', valueFrom: { resourceFieldRef: { resource: 'limits.memory', divisor: '1Mi' } } },
            { name: 'MSG', value: '$(POD)-says-$(GREETING)' },
          ],
          resources: { limits: { memory: '64Mi' } },
          volumeMounts: [{ name: 'cfg', mountPath: '/cfg' }, { name: 'sec', mountPath: '/sec' }, { name: 'info', mountPath: '/info' }],
        }],
        volumes: [
          { name: 'cfg', configMap: { name: 'app-config' } },
          { name: 'sec', secret: { secretName: 'app-secret', defaultMode: 0o400 } },
          { name: 'info', downwardAPI: { items: [{ path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } }] } },
        ],
      },
    }));
    const p = await eventually(async () => { const p = await pod('reader'); return p.status?.phase === 'Succeeded' && p; }, 60_000, 'reader Succeeded');
    assert.equal(cs(p)?.state?.terminated?.reason, 'Completed');
    assert.equal(cs(p)?.state?.terminated?.message, 'all read');
    assert.equal(cond(p, 'Ready'), 'False');
    const logFile = join(dir, 'kubelet', 'pods', `default_reader_${p.metadata.uid}`, 'c', '0.log');
    const out = readFileSync(logFile, 'utf8').split('\n').filter(Boolean).map(l => l.split(' ').slice(3).join(' '));
    assert.match(out[0], new RegExp(`^cm=hello-from-cm secret=s3cr3t env=hello-from-cm pw=s3cr3t pod=reader ip=${p.status!.podIP!.replace(/\./g, '\\.')} msg=reader-says-hello-from-cm mem=64$`));
    assert.equal(out[1], 'app="reader"');
    assert.ok(out.includes('password'), out.join('\n'));
    assert.equal(out.at(-1), '400');
  });

  test('the service account token, CA and namespace are mounted; the token authenticates as the pod', async () => {
    const sa = '/var/run/secrets/kubernetes.io/serviceaccount';
    await k(['run', 'sa-reader', '--restart=Never', `--image=${BUSYBOX_IMAGE}`, '--overrides', JSON.stringify({ spec: { nodeName: NODE } }), '--command', '--', 'sh', '-c',
      `cat ${sa}/namespace; echo; head -1 ${sa}/ca.crt; cat ${sa}/token; echo; stat -c %a ${sa}/..data/token`]);
    const p = await eventually(async () => { const p = await pod('sa-reader'); return p.status?.phase === 'Succeeded' && p; }, 60_000, 'sa-reader Succeeded');
    const logFile = join(dir, 'kubelet', 'pods', `default_sa-reader_${p.metadata.uid}`, 'sa-reader', '0.log');
    const [ns, caLine, token, mode] = readFileSync(logFile, 'utf8').split('\n').filter(Boolean).map(l => l.split(' ').slice(3).join(' '));
    assert.equal(ns, 'default');
    assert.equal(caLine, '-----BEGIN CERTIFICATE-----');
    assert.equal(mode, '644');
    // The kubelet asked for a token bound to this pod; the API server takes it from anyone holding it.
    const r = await rig!.cluster.kubectl(['--kubeconfig', '/dev/null', '--server', rig!.cluster.url, '--certificate-authority', join(rig!.cluster.dataDir, 'tls', 'ca.crt'),
      '--token', token, 'auth', 'whoami', '-o', 'jsonpath={.status.userInfo.username} {.status.userInfo.extra.authentication\\.kubernetes\\.io/pod-uid[0]}']);
    assert.equal(r.stdout, `system:serviceaccount:default:default ${p.metadata.uid}`, r.stderr);
  });

  test('a failing liveness probe restarts the container and records Unhealthy and Killing', async () => {
    await k(['apply', '-f', '-'], JSON.stringify({
      apiVersion: 'v1', kind: 'Pod', metadata: { name: 'liveness' },
      spec: {
        nodeName: NODE, terminationGracePeriodSeconds: 2,
        containers: [{
          name: 'c', image: BUSYBOX_IMAGE,
          command: ['sh', '-c', 'touch /tmp/alive; sleep 2; rm /tmp/alive; exec sleep 600'],
          livenessProbe: { exec: { command: ['cat', '/tmp/alive'] }, periodSeconds: 1, failureThreshold: 2 },
        }],
      },
    }));
    const p = await eventually(async () => { const p = await pod('liveness'); return (cs(p)?.restartCount ?? 0) >= 1 && p; }, 60_000, 'liveness restart');
    assert.ok(cs(p)?.lastState?.terminated, JSON.stringify(cs(p)));
    const ev = await events('liveness');
    assert.ok(ev.some(e => e.startsWith('Unhealthy: Liveness probe failed: cat: can\'t open \'/tmp/alive\'')), ev.join('\n'));
    assert.ok(ev.includes('Killing: Container c failed liveness probe, will be restarted'), ev.join('\n'));
  });

  test('readiness follows the probe: Ready and the Service endpoints go True, then False', async () => {
    await k(['apply', '-f', '-'], JSON.stringify({
      apiVersion: 'v1', kind: 'Service', metadata: { name: 'flappy' },
      spec: { selector: { app: 'flappy' }, ports: [{ port: 80 }] },
    }));
    const endpoints = async () => JSON.parse(await k(['get', 'endpoints', 'flappy', '-o', 'json'])) as { subsets?: { addresses?: { ip: string }[]; notReadyAddresses?: { ip: string }[] }[] };
    // The probe reads a file of the test's: ready until the test has seen it ready, however slowly.
    const switchDir = join(dir, 'flappy');
    mkdirSync(switchDir);
    writeFileSync(join(switchDir, 'ready'), '');
    await k(['apply', '-f', '-'], JSON.stringify({
      apiVersion: 'v1', kind: 'Pod', metadata: { name: 'flappy', labels: { app: 'flappy' } },
      spec: {
        nodeName: NODE, terminationGracePeriodSeconds: 1,
        containers: [{
          name: 'c', image: BUSYBOX_IMAGE, command: ['sleep', '600'],
          readinessProbe: { exec: { command: ['cat', '/switch/ready'] }, periodSeconds: 1 },
          volumeMounts: [{ name: 'switch', mountPath: '/switch', readOnly: true }],
        }],
        volumes: [{ name: 'switch', hostPath: { path: switchDir, type: 'Directory' } }],
      },
    }));
    const ready = await eventually(async () => { const p = await pod('flappy'); return cond(p, 'Ready') === 'True' && p; }, 60_000, 'flappy Ready');
    const ip = ready.status!.podIP!;
    await eventually(async () => (await endpoints()).subsets?.[0]?.addresses?.[0]?.ip === ip, 30_000, 'ready endpoint');
    rmSync(join(switchDir, 'ready'));
    const p = await eventually(async () => { const p = await pod('flappy'); return cond(p, 'Ready') === 'False' && p; }, 30_000, 'flappy unready');
    assert.equal(p.status?.phase, 'Running');
    assert.equal(p.status?.conditions?.find(c => c.type === 'Ready')?.reason, 'ContainersNotReady');
    await eventually(async () => (await endpoints()).subsets?.[0]?.notReadyAddresses?.[0]?.ip === ip, 30_000, 'not-ready endpoint');
  });

  test('a memory hog over its limit is OOMKilled', async () => {
    await k(['apply', '-f', '-'], JSON.stringify({
      apiVersion: 'v1', kind: 'Pod', metadata: { name: 'hog' },
      spec: {
        nodeName: NODE, restartPolicy: 'Never',
        containers: [{ name: 'c', image: BUSYBOX_IMAGE, command: ['sh', '-c', 'x=a; while true; do x=$x$x; done'], resources: { limits: { memory: '20Mi' } } }],
      },
    }));
    const p = await eventually(async () => { const p = await pod('hog'); return p.status?.phase === 'Failed' && p; }, 60_000, 'hog Failed');
    assert.equal(cs(p)?.state?.terminated?.reason, 'OOMKilled');
    assert.equal(cs(p)?.state?.terminated?.exitCode, 137);
  });

  test('a crashing container goes CrashLoopBackOff with upstream wording', async () => {
    await k(['apply', '-f', '-'], JSON.stringify({
      apiVersion: 'v1', kind: 'Pod', metadata: { name: 'crash' },
      spec: { nodeName: NODE, containers: [{ name: 'c', image: BUSYBOX_IMAGE, command: ['sh', '-c', 'echo dying; exit 3'], terminationMessagePolicy: 'FallbackToLogsOnError' }] },
    }));
    const p = await eventually(async () => { const p = await pod('crash'); return cs(p)?.state?.waiting?.reason === 'CrashLoopBackOff' && p; }, 60_000, 'CrashLoopBackOff');
    const c = cs(p)!;
    assert.equal(c.state?.waiting?.message, `back-off 10s restarting failed container=c pod=crash_default(${p.metadata.uid})`);
    assert.equal(c.lastState?.terminated?.exitCode, 3);
    assert.equal(c.lastState?.terminated?.reason, 'Error');
    assert.equal(c.lastState?.terminated?.message, 'dying\n');
    assert.ok(c.restartCount >= 1);
    assert.equal(p.status?.phase, 'Running');
    assert.match(await k(['get', 'pod', 'crash']), /crash\s+0\/1\s+CrashLoopBackOff/);
    const ev = await events('crash');
    assert.ok(ev.includes(`BackOff: Back-off restarting failed container c in pod crash_default(${p.metadata.uid})`), ev.join('\n'));
    // After the 10 s back-off, one more run and a doubled back-off; of the dead instances only the
    // newest is kept beside the current one (for logs --previous).
    const again = await eventually(async () => { const p = await pod('crash'); return (cs(p)?.restartCount ?? 0) >= 2 && cs(p)?.state?.waiting?.reason === 'CrashLoopBackOff' && p; }, 40_000, 'second back-off');
    assert.equal(cs(again)?.state?.waiting?.message, `back-off 20s restarting failed container=c pod=crash_default(${p.metadata.uid})`);
    const instances = await podsOfUid(p.metadata.uid);
    assert.equal(instances.length, 2, JSON.stringify(instances.map(c => [c.id, c.metadata?.attempt, c.state])));
    assert.deepEqual(instances.map(c => c.metadata?.attempt).sort(), [1, 2]);
  });

  test('a Job pod runs to completion, init container first', async () => {
    await k(['apply', '-f', '-'], JSON.stringify({
      apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'once' },
      spec: {
        backoffLimit: 0,
        template: {
          spec: {
            restartPolicy: 'Never',
            initContainers: [
              { name: 'prep', image: BUSYBOX_IMAGE, command: ['sh', '-c', 'echo prepared > /work/state'], volumeMounts: [{ name: 'work', mountPath: '/work' }] },
              // A sidecar: kept running beside the main container, stopped once it has finished.
              // Its startup probe must pass before the main container starts.
              {
                name: 'helper', image: BUSYBOX_IMAGE, restartPolicy: 'Always', volumeMounts: [{ name: 'work', mountPath: '/work' }],
                command: ['sh', '-c', 'trap "exit 0" TERM; sleep 2; touch /work/helper; while true; do sleep 1; done'],
                startupProbe: { exec: { command: ['test', '-e', '/work/helper'] }, periodSeconds: 1, failureThreshold: 30 },
              },
            ],
            containers: [{ name: 'main', image: BUSYBOX_IMAGE, command: ['sh', '-c', 'grep -q prepared /work/state && test -e /work/helper'], volumeMounts: [{ name: 'work', mountPath: '/work' }] }],
            volumes: [{ name: 'work', emptyDir: {} }],
          },
        },
      },
    }));
    await k(['wait', '--for=condition=complete', 'job/once', '--timeout=90s']);
    const pods = JSON.parse(await k(['get', 'pods', '-l', 'job-name=once', '-o', 'json'])) as { items: (PodJson & { status: { initContainerStatuses?: { name: string; state?: { terminated?: { reason?: string } } }[] } })[] };
    const p = await eventually(async () => { const p = await pod(pods.items[0].metadata.name); return p.status?.phase === 'Succeeded' && p; }, 30_000, 'job pod Succeeded');
    const inits = (p as typeof pods.items[0]).status.initContainerStatuses!;
    assert.equal(inits.find(s => s.name === 'prep')?.state?.terminated?.reason, 'Completed');
    assert.ok(inits.find(s => s.name === 'helper')?.state?.terminated, 'the sidecar was stopped');
  });

  test('deleting a pod stops its containers within the grace period and removes it', async () => {
    await k(['apply', '-f', '-'], JSON.stringify({
      apiVersion: 'v1', kind: 'Pod', metadata: { name: 'doomed' },
      spec: {
        nodeName: NODE, terminationGracePeriodSeconds: 3,
        containers: [{
          name: 'c', image: BUSYBOX_IMAGE, command: ['sleep', '3600'],
          volumeMounts: [{ name: 'host', mountPath: '/host' }, { name: 'mem', mountPath: '/mem' }],
          lifecycle: { postStart: { exec: { command: ['sh', '-c', 'echo started > /host/poststart'] } }, preStop: { exec: { command: ['sh', '-c', 'echo stopping > /host/prestop'] } } },
        }],
        volumes: [{ name: 'host', hostPath: { path: join(dir, 'hooks'), type: 'DirectoryOrCreate' } }, { name: 'mem', emptyDir: { medium: 'Memory', sizeLimit: '8Mi' } }],
      },
    }));
    const p = await eventually(async () => { const p = await pod('doomed'); return p.status?.phase === 'Running' && p; }, 60_000, 'doomed Running');
    assert.equal(readFileSync(join(dir, 'hooks', 'poststart'), 'utf8'), 'started\n');
    const podDir = join(dir, 'kubelet', 'pods', p.metadata.uid);
    assert.deepEqual(mountsUnder(podDir), [join(podDir, 'volumes', 'kubernetes.io~empty-dir', 'mem')], 'a Memory emptyDir is a tmpfs');
    await k(['delete', 'pod', 'doomed', '--timeout=60s']);
    assert.equal(readFileSync(join(dir, 'hooks', 'prestop'), 'utf8'), 'stopping\n');
    const r = await rig!.cluster.kubectl(['get', 'pod', 'doomed']);
    assert.match(r.stderr, /NotFound/);
    await eventually(async () => (await podsOfUid(p.metadata.uid)).length === 0, 30_000, 'containers removed');
    await eventually(() => !existsSync(podDir), 30_000, 'pod directory removed');
    assert.deepEqual(mountsUnder(podDir), []);
  });

  test('a host-network pod runs in the node\'s network namespace with the node\'s IP, as its user and fsGroup, read-only', async () => {
    await k(['apply', '-f', '-'], JSON.stringify({
      apiVersion: 'v1', kind: 'Pod', metadata: { name: 'hostnet' },
      spec: {
        nodeName: NODE, hostNetwork: true, terminationGracePeriodSeconds: 1,
        securityContext: { fsGroup: 5555 },
        containers: [{
          name: 'c', image: BUSYBOX_IMAGE,
          command: ['sh', '-c', 'ip -o -4 addr show cni0; echo "uid=$(id -u) gid=$(id -g) groups=$(id -G)"; echo "secret=$(cat /sec/password)"; touch /tmp/x && echo tmp=writable; touch /probe-rootfs 2>/dev/null && echo rootfs=writable || echo rootfs=readonly; exec sleep 3600'],
          securityContext: { runAsUser: 1234, runAsGroup: 2345, readOnlyRootFilesystem: true },
          volumeMounts: [{ name: 'sec', mountPath: '/sec' }, { name: 'tmp', mountPath: '/tmp' }],
        }],
        volumes: [{ name: 'sec', secret: { secretName: 'app-secret', defaultMode: 0o400 } }, { name: 'tmp', emptyDir: {} }],
      },
    }));
    const p = await eventually(async () => { const p = await pod('hostnet'); return cond(p, 'Ready') === 'True' && p; }, 30_000, 'hostnet Ready');
    assert.equal(p.status?.podIP, NODE_IP);
    const log = join(dir, 'kubelet', 'pods', `default_hostnet_${p.metadata.uid}`, 'c', '0.log');
    await eventually(() => existsSync(log) && readFileSync(log, 'utf8').includes('rootfs='), 30_000, 'the pod\'s output');
    const out = readFileSync(log, 'utf8');
    assert.ok(out.includes(`inet ${NODE_IP}/24`), out);
    assert.ok(out.includes('uid=1234 gid=2345 groups=2345 5555'), out);
    assert.ok(out.includes('secret=s3cr3t'), out);
    assert.ok(out.includes('tmp=writable'), out);
    assert.ok(out.includes('rootfs=readonly'), out);
    await k(['delete', 'pod', 'hostnet', '--timeout=30s']);
  });

  test('a pod that does not fit the node is rejected: Failed with OutOfcpu', async () => {
    await k(['apply', '-f', '-'], JSON.stringify({
      apiVersion: 'v1', kind: 'Pod', metadata: { name: 'toobig' },
      spec: { nodeName: NODE, containers: [{ name: 'c', image: BUSYBOX_IMAGE, command: ['sleep', '3600'], resources: { requests: { cpu: '3' } } }] },
    }));
    const p = await eventually(async () => { const p = await pod('toobig'); return p.status?.phase === 'Failed' && p; }, 30_000, 'toobig rejected');
    const st = p.status as { reason?: string; message?: string };
    assert.equal(st.reason, 'OutOfcpu');
    assert.match(st.message ?? '', /^Pod was rejected: Node didn't have enough resource: cpu, requested: 3000, used: \d+, capacity: 2000$/);
    assert.deepEqual(await podsOfUid(p.metadata.uid), []);
    assert.match(await k(['get', 'pod', 'toobig']), /toobig\s+0\/1\s+OutOfcpu/);
  });

  test('a pod past its activeDeadlineSeconds is stopped and fails with DeadlineExceeded', async () => {
    await k(['apply', '-f', '-'], JSON.stringify({
      apiVersion: 'v1', kind: 'Pod', metadata: { name: 'deadline' },
      spec: { nodeName: NODE, activeDeadlineSeconds: 3, terminationGracePeriodSeconds: 1, containers: [{ name: 'c', image: BUSYBOX_IMAGE, command: ['sleep', '3600'] }] },
    }));
    const p = await eventually(async () => { const p = await pod('deadline'); return p.status?.phase === 'Failed' && p; }, 30_000, 'deadline Failed');
    assert.equal((p.status as { reason?: string }).reason, 'DeadlineExceeded');
    assert.equal(cs(p)?.state?.terminated?.exitCode, 137);
    assert.deepEqual((await podsOfUid(p.metadata.uid)).filter(c => c.state === 'CONTAINER_RUNNING'), []);
    assert.ok((await events('deadline')).includes('DeadlineExceeded: Pod was active on the node longer than the specified deadline'));
  });

  test('an image that cannot be pulled: ErrImagePull, then ImagePullBackOff', async () => {
    await k(['apply', '-f', '-'], JSON.stringify({
      apiVersion: 'v1', kind: 'Pod', metadata: { name: 'noimage' },
      spec: { nodeName: NODE, containers: [{ name: 'c', image: 'k8ts.local/does-not-exist:1' }] },
    }));
    const seen = new Set<string>();
    await eventually(async () => {
      const reason = cs(await pod('noimage'))?.state?.waiting?.reason;
      if (reason) seen.add(reason);
      return seen.has('ImagePullBackOff');
    }, 60_000, 'ImagePullBackOff');
    const ev = await events('noimage');
    assert.ok(ev.some(e => e.startsWith('Failed: Failed to pull image "k8ts.local/does-not-exist:1"')), ev.join('\n'));
    assert.ok(ev.includes('Failed: Error: ErrImagePull'), ev.join('\n'));
    assert.ok(ev.includes('BackOff: Back-off pulling image "k8ts.local/does-not-exist:1"'), ev.join('\n'));
    assert.match(await k(['get', 'pod', 'noimage']), /noimage\s+0\/1\s+(ErrImagePull|ImagePullBackOff)/);
  });

  test('a pod whose sandbox dies gets a new sandbox and restarted containers', async () => {
    await k(['apply', '-f', '-'], JSON.stringify({
      apiVersion: 'v1', kind: 'Pod', metadata: { name: 'phoenix' },
      spec: {
        nodeName: NODE, terminationGracePeriodSeconds: 1,
        initContainers: [{ name: 'init', image: BUSYBOX_IMAGE, command: ['sh', '-c', 'echo run >> /work/runs'], volumeMounts: [{ name: 'work', mountPath: '/work' }] }],
        containers: [{ name: 'c', image: BUSYBOX_IMAGE, command: ['sleep', '3600'], volumeMounts: [{ name: 'work', mountPath: '/work' }] }],
        volumes: [{ name: 'work', emptyDir: {} }],
      },
    }));
    const p = await eventually(async () => { const p = await pod('phoenix'); return cond(p, 'Ready') === 'True' && p; }, 30_000, 'phoenix Ready');
    const [sandbox] = await rig!.runtime.listPodSandbox({ labelSelector: { 'io.kubernetes.pod.uid': p.metadata.uid } });
    const info = JSON.parse((await rig!.runtime.podSandboxStatusVerbose(sandbox.id)).info.info) as { pid: number };
    process.kill(info.pid, 'SIGKILL');
    const again = await eventually(async () => { const p = await pod('phoenix'); return cs(p)?.restartCount === 1 && cond(p, 'Ready') === 'True' && p; }, 30_000, 'phoenix back');
    assert.notEqual(cs(again)?.containerID, cs(p)?.containerID);
    const sandboxes = await rig!.runtime.listPodSandbox({ labelSelector: { 'io.kubernetes.pod.uid': p.metadata.uid } });
    assert.deepEqual(sandboxes.filter(s => s.state === 'SANDBOX_READY').map(s => s.metadata?.attempt), [1]);
    // The old sandbox stays while it holds the dead instance kept for logs --previous.
    assert.deepEqual(sandboxes.map(s => s.metadata?.attempt).sort(), [0, 1]);
    assert.ok((await events('phoenix')).includes('SandboxChanged: Pod sandbox changed, it will be killed and re-created.'));
    // The init container ran again in the new sandbox, before the app container.
    const volume = join(dir, 'kubelet', 'pods', p.metadata.uid, 'volumes', 'kubernetes.io~empty-dir', 'work', 'runs');
    assert.equal(readFileSync(volume, 'utf8'), 'run\nrun\n');
    const inits = (again.status as { initContainerStatuses?: { restartCount: number; state?: { terminated?: { reason?: string } } }[] }).initContainerStatuses!;
    assert.equal(inits[0].restartCount, 1);
    assert.equal(inits[0].state?.terminated?.reason, 'Completed');
    await k(['delete', 'pod', 'phoenix', '--timeout=30s']);
  });

  test('a restarted kubelet adopts running containers instead of restarting them', async () => {
    const before = await pod('web');
    const id = cs(before)?.containerID;
    assert.ok(id);
    await rig!.restartKubelet();
    // The new kubelet has synced the pod (probes run again) without replacing its container.
    const after = await eventually(async () => { const p = await pod('web'); return cond(p, 'Ready') === 'True' && p; }, 30_000, 'web Ready again');
    assert.equal(cs(after)?.containerID, id);
    assert.equal(cs(after)?.restartCount, cs(before)?.restartCount);
    const running = (await podsOfUid(before.metadata.uid)).filter(c => c.state === 'CONTAINER_RUNNING');
    assert.deepEqual(running.map(c => `containerd://${c.id}`), [id]);
  });
});
