// Jobs and CronJobs end to end: a Job runs its pods on simulated nodes to its completions (Indexed
// too), adopts bare pods its selector matches and releases pods relabelled away, an orphan pod
// loses the tracking finalizer, a finished Job
// with ttlSecondsAfterFinished is deleted, and a CronJob fires on schedule with upstream's job
// names and scheduled-time annotation.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parse as parseYaml } from 'yaml';
import { eventually } from './harness.js';
import { getJson } from './cluster-sim.js';
import { suiteCluster } from './support/suite-cluster.js';

interface JobLike {
  metadata: { name: string; annotations?: Record<string, string>; ownerReferences?: { kind: string; name: string }[] };
  status?: { succeeded?: number; failed?: number; active?: number; completedIndexes?: string; completionTime?: string; conditions?: { type: string; status: string }[] };
}
interface PodLike {
  metadata: { name: string; labels?: Record<string, string>; annotations?: Record<string, string>; finalizers?: string[]; ownerReferences?: Record<string, unknown>[] };
  status?: { phase?: string };
}
const TRACKING = 'batch.kubernetes.io/job-tracking';

const job = (name: string, extra: string) => `apiVersion: batch/v1
kind: Job
metadata: {name: ${name}}
spec:
${extra}
  template:
    spec:
      restartPolicy: Never
      containers: [{name: c, image: busybox, command: [sh, -c, "exit 0"]}]
`;

describe('Job and CronJob controllers', () => {
  const s = suiteCluster({ simNodes: { count: 2, prefix: 'jobs-' } });

  test('a Job reaches its completions with at most `parallelism` pods at a time', async () => {
    await s.c.k(['apply', '-f', '-'], job('pi', '  completions: 4\n  parallelism: 2'));
    await s.c.k(['wait', '--for=condition=complete', 'job/pi', '--timeout=120s']);
    const j = await getJson<JobLike>(s.c, ['get', 'job', 'pi']);
    assert.equal(j.status?.succeeded, 4);
    assert.ok(j.status?.completionTime);
    assert.ok(j.status?.conditions?.some(x => x.type === 'SuccessCriteriaMet' && x.status === 'True'));
    const pods = (await getJson<{ items: PodLike[] }>(s.c, ['get', 'pods', '-l', 'batch.kubernetes.io/job-name=pi'])).items;
    assert.equal(pods.filter(p => p.status?.phase === 'Succeeded').length, 4);
    for (const p of pods) {
      assert.match(p.metadata.name, /^pi-[a-z0-9]{5}$/);
      assert.equal(p.metadata.labels?.['job-name'], 'pi');
      assert.ok(!p.metadata.finalizers?.includes(TRACKING), 'tracking finalizer removed');
    }
    assert.match(await s.c.k(['get', 'job', 'pi']), /pi\s+(Complete\s+)?4\/4/);
  });

  test('a Job selects its own pods: generated selector and labels, kubectl logs job/NAME among other pods', async () => {
    await s.c.k(['create', 'namespace', 'jobsel']);
    // Pods that are not the job's, which a Job without a selector would also match.
    for (const n of ['other-a', 'other-b']) await s.c.k(['run', n, '-n', 'jobsel', '--image=busybox', '--restart=Never', '--', 'sh', '-c', 'exit 0']);
    await s.c.k(['apply', '-n', 'jobsel', '-f', '-'], job('once', ''));
    await s.c.k(['wait', '-n', 'jobsel', '--for=condition=complete', 'job/once', '--timeout=120s']);
    const j = parseYaml(await s.c.k(['get', 'job', 'once', '-n', 'jobsel', '-o', 'yaml'])) as {
      metadata: { uid: string }; spec: { selector?: { matchLabels?: Record<string, string> }; template: { metadata?: { labels?: Record<string, string> } } };
    };
    const uid = j.metadata.uid;
    assert.deepEqual(j.spec.selector, { matchLabels: { 'batch.kubernetes.io/controller-uid': uid } });
    assert.deepEqual(j.spec.template.metadata?.labels, {
      'batch.kubernetes.io/controller-uid': uid, 'batch.kubernetes.io/job-name': 'once', 'controller-uid': uid, 'job-name': 'once',
    });
    const [pod] = (await getJson<{ items: PodLike[] }>(s.c, ['get', 'pods', '-n', 'jobsel', '-l', `batch.kubernetes.io/controller-uid=${uid}`])).items;
    // Sim nodes serve no logs, so ask for a container the pod lacks: the error names the pod that
    // kubectl chose, without reaching a kubelet. With one pod selected it reports no choice.
    const logs = await s.c.kubectl(['logs', 'job/once', '-n', 'jobsel', '-c', 'absent']);
    assert.doesNotMatch(logs.stderr, /Found \d+ pods/);
    assert.match(logs.stderr, new RegExp(`container absent is not valid for pod ${pod.metadata.name}\\b`));
    // A Job that chooses its own selector must give one.
    const manual = await s.c.kubectl(['apply', '-n', 'jobsel', '-f', '-'], job('manual', '  manualSelector: true'));
    assert.match(manual.stderr, /spec\.selector: Required value/);
  });

  test('a Job adopts a bare pod its manual selector matches and releases an owned pod relabelled away', async () => {
    const ns = ['-n', 'jobadopt'];
    await s.c.k(['create', 'namespace', 'jobadopt']);
    // restartPolicy Always: the simulated node keeps it running, so it stays the job's one active pod.
    await s.c.k(['run', 'bare', ...ns, '--image=busybox', '--labels=app=adoptee', '--', 'sleep', '3600']);
    await s.c.k(['wait', ...ns, '--for=condition=Ready', 'pod/bare', '--timeout=60s']);
    await s.c.k(['apply', ...ns, '-f', '-'], `apiVersion: batch/v1
kind: Job
metadata: {name: adopter}
spec:
  manualSelector: true
  selector: {matchLabels: {app: adoptee}}
  parallelism: 1
  completions: 1
  template:
    metadata: {labels: {app: adoptee}}
    spec:
      restartPolicy: Never
      containers: [{name: c, image: busybox, command: [sh, -c, "exit 0"]}]
`);
    const uid = await s.c.k(['get', 'job', 'adopter', ...ns, '-o', 'jsonpath={.metadata.uid}']);
    const adopted = await eventually(async () => {
      const p = await getJson<PodLike>(s.c, ['get', 'pod', 'bare', ...ns]);
      return p.metadata.ownerReferences?.length ? p : undefined;
    }, 30_000, 'the bare pod adopted');
    assert.deepEqual(adopted.metadata.ownerReferences, [{ apiVersion: 'batch/v1', kind: 'Job', name: 'adopter', uid, controller: true, blockOwnerDeletion: true }]);
    assert.ok(adopted.metadata.finalizers?.includes(TRACKING), 'adoption adds the tracking finalizer');
    await eventually(async () => (await getJson<JobLike>(s.c, ['get', 'job', 'adopter', ...ns])).status?.active === 1, 30_000, 'the adopted pod counted active');
    assert.equal((await s.c.k(['get', 'pods', ...ns, '-o', 'name'])).trim(), 'pod/bare', 'no pod created beside the adopted one');

    await s.c.k(['label', 'pod', 'bare', ...ns, 'app=gone', '--overwrite']);
    const released = await eventually(async () => {
      const p = await getJson<PodLike>(s.c, ['get', 'pod', 'bare', ...ns]);
      return p.metadata.ownerReferences?.length ? undefined : p;
    }, 30_000, 'the relabelled pod released');
    assert.ok(!released.metadata.finalizers?.includes(TRACKING), 'release removes the tracking finalizer');
    assert.equal(released.status?.phase, 'Running', 'a released pod is left running');
    // Without the released pod the job runs one of its own to completion.
    await s.c.k(['wait', ...ns, '--for=condition=complete', 'job/adopter', '--timeout=120s']);
    assert.equal((await getJson<JobLike>(s.c, ['get', 'job', 'adopter', ...ns])).status?.succeeded, 1);
  });

  test('an orphan pod with the tracking finalizer loses it, whatever its labels (upstream\'s orphan pod cleanup)', async () => {
    const ns = ['-n', 'joborphan'];
    await s.c.k(['create', 'namespace', 'joborphan']);
    await s.c.k(['apply', ...ns, '-f', '-'], `apiVersion: v1
kind: Pod
metadata: {name: stray, labels: {app: none}, finalizers: [${TRACKING}, example.com/keep]}
spec:
  containers: [{name: c, image: busybox, command: [sleep, "3600"]}]
`);
    const p = await eventually(async () => {
      const pod = await getJson<PodLike>(s.c, ['get', 'pod', 'stray', ...ns]);
      return pod.metadata.finalizers?.includes(TRACKING) ? undefined : pod;
    }, 30_000, 'the tracking finalizer removed');
    assert.deepEqual(p.metadata.finalizers, ['example.com/keep'], 'other finalizers stay');
    await s.c.k(['patch', 'pod', 'stray', ...ns, '--type=json', '-p', '[{"op":"remove","path":"/metadata/finalizers"}]']);
  });

  test('an Indexed Job completes every index', async () => {
    await s.c.k(['apply', '-f', '-'], job('idx', '  completions: 3\n  parallelism: 3\n  completionMode: Indexed'));
    await s.c.k(['wait', '--for=condition=complete', 'job/idx', '--timeout=120s']);
    const j = await getJson<JobLike>(s.c, ['get', 'job', 'idx']);
    assert.equal(j.status?.completedIndexes, '0-2');
    const pods = (await getJson<{ items: PodLike[] }>(s.c, ['get', 'pods', '-l', 'batch.kubernetes.io/job-name=idx'])).items;
    assert.deepEqual(pods.map(p => p.metadata.annotations?.['batch.kubernetes.io/job-completion-index']).sort(), ['0', '1', '2']);
    for (const p of pods) assert.match(p.metadata.name, /^idx-\d-[a-z0-9]{5}$/);
  });

  test('a finished Job with ttlSecondsAfterFinished is deleted with its pods', async () => {
    await s.c.k(['apply', '-f', '-'], job('short', '  ttlSecondsAfterFinished: 1'));
    await eventually(async () => !(await s.c.kubectl(['get', 'job', 'short'])).stdout.includes('short'), 60_000, 'job deleted after its TTL');
    await eventually(async () => (await s.c.k(['get', 'pods', '-l', 'batch.kubernetes.io/job-name=short', '-o', 'name'])).trim() === '', 30_000, 'its pods gone');
  });

  test('a CronJob fires on schedule; create job --from=cronjob works', async () => {
    await s.c.k(['create', 'cronjob', 'tick', '--image=busybox', '--schedule=* * * * *', '--', 'sh', '-c', 'exit 0']);
    const j = await eventually(async () => {
      const list = await getJson<{ items: JobLike[] }>(s.c, ['get', 'jobs']);
      return list.items.find(x => x.metadata.ownerReferences?.some(o => o.kind === 'CronJob' && o.name === 'tick'));
    }, 75_000, 'a job created by the cronjob');
    const m = /^tick-(\d+)$/.exec(j.metadata.name);
    assert.ok(m, j.metadata.name);
    const scheduled = j.metadata.annotations?.['batch.kubernetes.io/cronjob-scheduled-timestamp'];
    assert.equal(Date.parse(scheduled!), Number(m[1]) * 60_000);
    const cj = await getJson<{ status?: { lastScheduleTime?: string } }>(s.c, ['get', 'cronjob', 'tick']);
    assert.equal(Date.parse(cj.status!.lastScheduleTime!), Number(m[1]) * 60_000);
    await eventually(async () => !!(await getJson<{ status?: { lastSuccessfulTime?: string } }>(s.c, ['get', 'cronjob', 'tick'])).status?.lastSuccessfulTime, 60_000, 'lastSuccessfulTime');

    await s.c.k(['create', 'job', '--from=cronjob/tick', 'manual']);
    await s.c.k(['wait', '--for=condition=complete', 'job/manual', '--timeout=120s']);
  });
});
