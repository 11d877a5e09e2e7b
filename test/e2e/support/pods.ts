// Pod manifests and in-pod actions that the e2e tests share: Deployments labelled app=<name>,
// busybox httpd servers on port 8080, idle client pods to run commands in, and fetching a page
// from inside a pod. Manifests are YAML, so they join others in one stream with `---`; fields left
// undefined are left out.
import type { Container, PodSpec, Toleration, TopologySpreadConstraint } from '../../../src/api/types/generated.js';
import { stringify } from 'yaml';
import { BUSYBOX_IMAGE } from '../../../src/kubelet/images/builtin.js';
import type { RunResult } from '../harness.js';

/** What the helpers need of a cluster: kubectl that returns its result rather than throwing. */
interface Kubectl { kubectl(args: string[], stdin?: string): Promise<RunResult> }

/** A Deployment whose pods and selector carry the label app=`name`. */
export const deployment = (name: string, replicas: number, spec: PodSpec, namespace?: string) => stringify({
  apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, namespace },
  spec: { replicas, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec } },
});

/** Ready once busybox httpd answers on port 8080. */
const HTTPD_READY = { httpGet: { path: '/', port: 8080 }, periodSeconds: 1 };

/** busybox httpd on port 8080 serving /www, after the shell `setup` has filled it; ready when it answers. */
export const httpdContainer = (setup: string, more: Partial<Container> = {}): Container => ({
  name: 'httpd', image: BUSYBOX_IMAGE,
  command: ['sh', '-c', `mkdir -p /www && ${setup} && exec httpd -f -p 8080 -h /www`],
  readinessProbe: HTTPD_READY,
  ...more,
});

/** A bare pod. */
export const pod = (name: string, spec: PodSpec, meta: { namespace?: string; labels?: Record<string, string> } = {}) =>
  stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name, ...meta }, spec });

/** A pod on `node` whose httpd serves `page` (a shell word, so `$(hostname)` works) at /. */
export const httpdPod = (name: string, node: string, page = name) =>
  pod(name, { nodeName: node, terminationGracePeriodSeconds: 1, containers: [httpdContainer(`echo ${page} > /www/index.html`)] });

/** A busybox container that sleeps for an hour. */
export const sleeperContainer = (name: string): Container => ({ name, image: BUSYBOX_IMAGE, command: ['sleep', '3600'] });

/** An idle busybox pod on `node` to run commands in with `kubectl exec`. */
export const clientPod = (name: string, node: string, opts: { namespace?: string; labels?: Record<string, string>; grace?: number; spec?: Partial<PodSpec> } = {}) =>
  pod(name, { nodeName: node, terminationGracePeriodSeconds: opts.grace ?? 1, containers: [sleeperContainer('c')], ...opts.spec }, { namespace: opts.namespace, labels: opts.labels });

/** Pods labelled app=`app` spread one per node as far as `when` allows. */
export const spreadOverNodes = (app: string, when: 'DoNotSchedule' | 'ScheduleAnyway'): TopologySpreadConstraint[] =>
  [{ maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: when, labelSelector: { matchLabels: { app } } }];

/** Leave an unreachable or not-ready node after 2 s, so a dead node's pods are replaced quickly. */
export const LEAVE_LOST_NODE_SOON: Toleration[] = ['node.kubernetes.io/unreachable', 'node.kubernetes.io/not-ready']
  .map(key => ({ key, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 2 }));

/** `kubectl exec` of `cmd` in the first container of `pod`. */
export const execInPod = (c: Kubectl, pod: string, cmd: string[], namespace?: string) =>
  c.kubectl(['exec', ...(namespace ? ['-n', namespace] : []), pod, '--', ...cmd]);

/** The page at `url` fetched from inside `pod` (at most 3 s), trimmed; undefined if the fetch failed. */
export const fetchFromPod = async (c: Kubectl, pod: string, url: string) => {
  const r = await execInPod(c, pod, ['timeout', '3', 'wget', '-qO-', url]);
  return r.code === 0 ? r.stdout.trim() : undefined;
};
