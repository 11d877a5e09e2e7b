// Defaults for PodSpec and everything inside it (pkg/apis/core/v1/defaults.go plus the declarative
// `+default=` markers in k8s.io/api/core/v1/types.go). Pods and every pod template share them.
import { canonicalizeResourceList } from './resource-list.js';
import type { Obj } from './types.js';
import { getKey, setKey } from '../../util/data-keys.js';

const PROBE_DEFAULTS: Obj = { timeoutSeconds: 1, periodSeconds: 10, successThreshold: 1, failureThreshold: 3 };
const MODE_0644 = 420;

/** SetDefaults_Pod: only for Pods, never templates, so these never trigger workload rollouts. */
export function defaultPod(pod: Obj): void {
  const spec = pod.spec;
  if (!spec) return;
  defaultPodSpec(spec);
  for (const c of containersOf(spec, false)) requestsFromLimits(c);
  spec.enableServiceLinks ??= true;
  if (spec.hostNetwork) {
    // A host-network pod's container ports are host ports.
    for (const c of containersOf(spec, false)) for (const p of c.ports ?? []) if (!p.hostPort) p.hostPort = p.containerPort;
  }
}

export function defaultPodTemplate(template: Obj | undefined): void {
  if (template?.spec) defaultPodSpec(template.spec);
}

export function defaultPodSpec(spec: Obj): void {
  spec.dnsPolicy ??= 'ClusterFirst';
  spec.restartPolicy ??= 'Always';
  spec.securityContext ??= {};
  spec.terminationGracePeriodSeconds ??= 30;
  spec.schedulerName ??= 'default-scheduler';
  // v1's deprecated `serviceAccount` aliases serviceAccountName: upstream's conversion takes the
  // name from it when unset and always writes it back from the name.
  if (!spec.serviceAccountName && spec.serviceAccount) spec.serviceAccountName = spec.serviceAccount;
  if (spec.serviceAccountName) spec.serviceAccount = spec.serviceAccountName;
  for (const c of containersOf(spec, true)) defaultContainer(c);
  for (const v of spec.volumes ?? []) defaultVolume(v);
}

function containersOf(spec: Obj, withEphemeral: boolean): Obj[] {
  const lists = [spec.initContainers, spec.containers, withEphemeral ? spec.ephemeralContainers : undefined];
  return lists.flatMap(l => (Array.isArray(l) ? l : []));
}

function defaultContainer(c: Obj): void {
  c.imagePullPolicy ??= imagePullPolicy(c.image);
  c.terminationMessagePath ??= '/dev/termination-log';
  c.terminationMessagePolicy ??= 'File';
  // ResourceRequirements is a non-pointer struct upstream, so it always serializes as at least {}.
  c.resources ??= {};
  canonicalizeResourceList(c.resources.limits);
  canonicalizeResourceList(c.resources.requests);
  for (const p of c.ports ?? []) p.protocol ??= 'TCP';
  for (const e of c.env ?? []) {
    if (e.valueFrom?.fieldRef) e.valueFrom.fieldRef.apiVersion ??= 'v1';
    // A zero Quantity (non-pointer upstream) serializes as "0".
    if (e.valueFrom?.resourceFieldRef) e.valueFrom.resourceFieldRef.divisor ??= '0';
  }
  for (const probe of [c.livenessProbe, c.readinessProbe, c.startupProbe]) if (probe) defaultProbe(probe);
  for (const hook of [c.lifecycle?.postStart, c.lifecycle?.preStop]) if (hook?.httpGet) defaultHttpGet(hook.httpGet);
}

function requestsFromLimits(c: Obj): void {
  const limits = c.resources?.limits;
  if (!limits) return;
  c.resources.requests ??= {};
  for (const [k, v] of Object.entries(limits)) if (getKey(c.resources.requests, k) == null) setKey(c.resources.requests, k, v);
}

function defaultProbe(p: Obj): void {
  for (const [k, v] of Object.entries(PROBE_DEFAULTS)) if (!p[k]) p[k] = v;
  if (p.httpGet) defaultHttpGet(p.httpGet);
  if (p.grpc) p.grpc.service ??= '';
}

function defaultHttpGet(h: Obj): void {
  if (!h.path) h.path = '/';
  if (!h.scheme) h.scheme = 'HTTP';
}

/** `Always` for `:latest` or untagged images, else `IfNotPresent`; a digest counts as a tag. */
export function imagePullPolicy(image: unknown): string {
  if (typeof image !== 'string' || image.includes('@')) return 'IfNotPresent';
  const tagAt = image.indexOf(':', image.lastIndexOf('/') + 1);
  return tagAt < 0 || image.slice(tagAt + 1) === 'latest' ? 'Always' : 'IfNotPresent';
}

function defaultVolume(v: Obj): void {
  if (Object.keys(v).every(k => k === 'name')) v.emptyDir = {};
  if (v.configMap) v.configMap.defaultMode ??= MODE_0644;
  if (v.secret) v.secret.defaultMode ??= MODE_0644;
  if (v.downwardAPI) {
    v.downwardAPI.defaultMode ??= MODE_0644;
    defaultDownwardItems(v.downwardAPI.items);
  }
  if (v.projected) {
    v.projected.defaultMode ??= MODE_0644;
    for (const s of v.projected.sources ?? []) {
      if (s.serviceAccountToken) s.serviceAccountToken.expirationSeconds ??= 3600;
      defaultDownwardItems(s.downwardAPI?.items);
    }
  }
  if (v.hostPath) v.hostPath.type ??= '';
  if (v.ephemeral?.volumeClaimTemplate?.spec) v.ephemeral.volumeClaimTemplate.spec.volumeMode ??= 'Filesystem';
  // Declarative defaults of the legacy in-tree volume plugins.
  if (v.iscsi) v.iscsi.iscsiInterface ??= 'default';
  if (v.rbd) Object.assign(v.rbd, { pool: 'rbd', user: 'admin', keyring: '/etc/ceph/keyring', ...v.rbd });
  if (v.azureDisk) Object.assign(v.azureDisk, { cachingMode: 'ReadWrite', fsType: 'ext4', readOnly: false, kind: 'Shared', ...v.azureDisk });
  if (v.scaleIO) Object.assign(v.scaleIO, { storageMode: 'ThinProvisioned', fsType: 'xfs', ...v.scaleIO });
}

function defaultDownwardItems(items: Obj[] | undefined): void {
  for (const i of items ?? []) if (i.fieldRef) i.fieldRef.apiVersion ??= 'v1';
}
