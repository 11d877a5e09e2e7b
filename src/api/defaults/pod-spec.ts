// Upstream's defaults for PodSpec and everything inside it (pkg/apis/core/v1/defaults.go), shared
// by Pods and every pod template (Deployments, Jobs, ...).
type Obj = Record<string, any>;

const PROBE_DEFAULTS = { timeoutSeconds: 1, periodSeconds: 10, successThreshold: 1, failureThreshold: 3 };

export function defaultPodSpec(spec: Obj | undefined): void {
  if (!spec) return;
  spec.restartPolicy ??= 'Always';
  spec.dnsPolicy ??= 'ClusterFirst';
  spec.terminationGracePeriodSeconds ??= 30;
  spec.schedulerName ??= 'default-scheduler';
  spec.securityContext ??= {};
  spec.enableServiceLinks ??= true;
  if (spec.hostNetwork && spec.containers) {
    // Host-network pods publish their container ports on the host.
    for (const c of [...(spec.initContainers ?? []), ...spec.containers]) for (const p of c.ports ?? []) p.hostPort ??= p.containerPort;
  }
  for (const c of spec.initContainers ?? []) defaultContainer(c);
  for (const c of spec.containers ?? []) defaultContainer(c);
  for (const c of spec.ephemeralContainers ?? []) defaultContainer(c);
  for (const v of spec.volumes ?? []) defaultVolume(v);
  for (const t of spec.tolerations ?? []) if (t.operator === undefined && t.value === undefined && t.key !== undefined) t.operator = 'Equal';
}

export function defaultContainer(c: Obj): void {
  c.terminationMessagePath ??= '/dev/termination-log';
  c.terminationMessagePolicy ??= 'File';
  c.imagePullPolicy ??= imagePullPolicy(c.image);
  for (const p of c.ports ?? []) p.protocol ??= 'TCP';
  for (const e of c.env ?? []) {
    if (e.valueFrom?.fieldRef) e.valueFrom.fieldRef.apiVersion ??= 'v1';
    if (e.valueFrom?.resourceFieldRef) e.valueFrom.resourceFieldRef.divisor ??= '0';
  }
  for (const probe of [c.livenessProbe, c.readinessProbe, c.startupProbe]) defaultProbe(probe);
  for (const h of [c.lifecycle?.postStart, c.lifecycle?.preStop]) if (h?.httpGet) h.httpGet.scheme ??= 'HTTP';
  // Requests default to limits when only limits are given.
  const limits = c.resources?.limits;
  if (limits) {
    c.resources.requests ??= {};
    for (const [k, v] of Object.entries(limits)) c.resources.requests[k] ??= v;
  }
  if (c.resources === undefined) c.resources = {};
}

function defaultProbe(p: Obj | undefined): void {
  if (!p) return;
  for (const [k, v] of Object.entries(PROBE_DEFAULTS)) p[k] ??= v;
  if (p.httpGet) p.httpGet.scheme ??= 'HTTP';
  if (p.grpc) p.grpc.service ??= '';
}

/** `Always` for `:latest` or untagged images, otherwise `IfNotPresent` (digests count as tags). */
export function imagePullPolicy(image: unknown): string {
  if (typeof image !== 'string') return 'IfNotPresent';
  if (image.includes('@')) return 'IfNotPresent';
  const lastSlash = image.lastIndexOf('/');
  const tagAt = image.indexOf(':', lastSlash + 1);
  if (tagAt < 0) return 'Always';
  return image.slice(tagAt + 1) === 'latest' ? 'Always' : 'IfNotPresent';
}

function defaultVolume(v: Obj): void {
  if (v.configMap) v.configMap.defaultMode ??= 420;
  if (v.secret) v.secret.defaultMode ??= 420;
  if (v.downwardAPI) {
    v.downwardAPI.defaultMode ??= 420;
    for (const i of v.downwardAPI.items ?? []) if (i.fieldRef) i.fieldRef.apiVersion ??= 'v1';
  }
  if (v.projected) {
    v.projected.defaultMode ??= 420;
    for (const s of v.projected.sources ?? []) {
      if (s.serviceAccountToken) s.serviceAccountToken.expirationSeconds ??= 3600;
      for (const i of s.downwardAPI?.items ?? []) if (i.fieldRef) i.fieldRef.apiVersion ??= 'v1';
    }
  }
  if (v.hostPath) v.hostPath.type ??= '';
  if (v.iscsi) v.iscsi.iscsiInterface ??= 'default';
  const sources = Object.keys(v).filter(k => k !== 'name');
  if (sources.length === 0) v.emptyDir = {};
}

export function defaultPodTemplate(template: Obj | undefined): void {
  if (!template) return;
  defaultPodSpec(template.spec);
}
