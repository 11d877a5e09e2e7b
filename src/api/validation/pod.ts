// Pod and pod-template checks (pkg/apis/core/validation): containers, ports, env, volumes, policies,
// and which pod spec fields an update may change.
import { fieldErrors, type FieldError } from '../errors.js';
import { dns1123Label, envVarName } from './names.js';

type Obj = Record<string, any>;

const RESTART_POLICIES = ['Always', 'OnFailure', 'Never'];
const DNS_POLICIES = ['ClusterFirstWithHostNet', 'ClusterFirst', 'Default', 'None'];
const PROTOCOLS = ['SCTP', 'TCP', 'UDP'];
const PULL_POLICIES = ['Always', 'IfNotPresent', 'Never'];

export function validatePodSpec(spec: Obj | undefined, path: string): FieldError[] {
  if (!spec || typeof spec !== 'object') return [fieldErrors.required(path)];
  const errs: FieldError[] = [];
  const volumes = new Set<string>();
  for (const [i, v] of (spec.volumes ?? []).entries()) {
    const p = `${path}.volumes[${i}]`;
    if (!v.name) errs.push(fieldErrors.required(`${p}.name`));
    else {
      for (const msg of dns1123Label(v.name)) errs.push(fieldErrors.invalid(`${p}.name`, v.name, msg));
      if (volumes.has(v.name)) errs.push(fieldErrors.duplicate(`${p}.name`, v.name));
      volumes.add(v.name);
    }
    const sources = Object.keys(v).filter(k => k !== 'name');
    if (sources.length > 1) errs.push(fieldErrors.forbidden(`${p}.${sources[1]}`, `may not specify more than 1 volume type`));
  }
  const names = new Set<string>();
  const containers = spec.containers;
  if (!Array.isArray(containers) || containers.length === 0) errs.push(fieldErrors.required(`${path}.containers`));
  for (const [field, list] of [['initContainers', spec.initContainers], ['containers', containers], ['ephemeralContainers', spec.ephemeralContainers]] as const) {
    for (const [i, c] of ((list as Obj[] | undefined) ?? []).entries()) errs.push(...validateContainer(c, `${path}.${field}[${i}]`, names, volumes));
  }
  if (spec.restartPolicy !== undefined && !RESTART_POLICIES.includes(spec.restartPolicy)) {
    errs.push(fieldErrors.notSupported(`${path}.restartPolicy`, spec.restartPolicy, RESTART_POLICIES));
  }
  if (spec.dnsPolicy !== undefined && !DNS_POLICIES.includes(spec.dnsPolicy)) {
    errs.push(fieldErrors.notSupported(`${path}.dnsPolicy`, spec.dnsPolicy, DNS_POLICIES));
  }
  if (spec.terminationGracePeriodSeconds !== undefined && spec.terminationGracePeriodSeconds < 0) {
    errs.push(fieldErrors.invalid(`${path}.terminationGracePeriodSeconds`, spec.terminationGracePeriodSeconds, 'must be >= 0'));
  }
  if (spec.activeDeadlineSeconds !== undefined && !(spec.activeDeadlineSeconds > 0)) {
    errs.push(fieldErrors.invalid(`${path}.activeDeadlineSeconds`, spec.activeDeadlineSeconds, 'must be between 1 and 2147483647, inclusive'));
  }
  return errs;
}

function validateContainer(c: Obj, path: string, names: Set<string>, volumes: Set<string>): FieldError[] {
  const errs: FieldError[] = [];
  if (!c || typeof c !== 'object') return [fieldErrors.required(path)];
  if (!c.name) errs.push(fieldErrors.required(`${path}.name`));
  else {
    for (const msg of dns1123Label(c.name)) errs.push(fieldErrors.invalid(`${path}.name`, c.name, msg));
    if (names.has(c.name)) errs.push(fieldErrors.duplicate(`${path}.name`, c.name));
    names.add(c.name);
  }
  if (!c.image || (typeof c.image === 'string' && !c.image.trim())) errs.push(fieldErrors.required(`${path}.image`));
  if (c.imagePullPolicy !== undefined && !PULL_POLICIES.includes(c.imagePullPolicy)) errs.push(fieldErrors.notSupported(`${path}.imagePullPolicy`, c.imagePullPolicy, PULL_POLICIES));
  const portNames = new Set<string>();
  for (const [i, p] of (c.ports ?? []).entries()) {
    const pp = `${path}.ports[${i}]`;
    if (!validPort(p.containerPort)) errs.push(fieldErrors.invalid(`${pp}.containerPort`, p.containerPort, 'must be between 1 and 65535, inclusive'));
    if (p.hostPort !== undefined && p.hostPort !== 0 && !validPort(p.hostPort)) errs.push(fieldErrors.invalid(`${pp}.hostPort`, p.hostPort, 'must be between 1 and 65535, inclusive'));
    if (p.protocol !== undefined && !PROTOCOLS.includes(p.protocol)) errs.push(fieldErrors.notSupported(`${pp}.protocol`, p.protocol, PROTOCOLS));
    if (p.name) {
      if (portNames.has(p.name)) errs.push(fieldErrors.duplicate(`${pp}.name`, p.name));
      portNames.add(p.name);
    }
  }
  for (const [i, e] of (c.env ?? []).entries()) {
    const ep = `${path}.env[${i}]`;
    if (!e.name) errs.push(fieldErrors.required(`${ep}.name`));
    else for (const msg of envVarName(e.name)) errs.push(fieldErrors.invalid(`${ep}.name`, e.name, msg));
    if (e.value !== undefined && e.valueFrom !== undefined) {
      errs.push(fieldErrors.invalid(`${ep}.valueFrom`, '', 'may not be specified when `value` is not empty'));
    }
  }
  for (const [i, m] of (c.volumeMounts ?? []).entries()) {
    const mp = `${path}.volumeMounts[${i}]`;
    if (!m.name) errs.push(fieldErrors.required(`${mp}.name`));
    else if (!volumes.has(m.name)) errs.push(fieldErrors.notFound(`${mp}.name`, m.name));
    if (!m.mountPath) errs.push(fieldErrors.required(`${mp}.mountPath`));
  }
  return errs;
}

function validPort(p: unknown): boolean {
  return typeof p === 'number' && Number.isInteger(p) && p >= 1 && p <= 65535;
}

/** Only images, activeDeadlineSeconds, tolerations (additions) and a few more may change on a pod. */
export function validatePodSpecUpdate(spec: Obj, old: Obj): FieldError[] {
  const normalize = (s: Obj) => {
    const c = structuredClone(s);
    for (const list of [c.containers, c.initContainers]) for (const x of list ?? []) delete x.image;
    delete c.activeDeadlineSeconds;
    delete c.tolerations;
    delete c.terminationGracePeriodSeconds;
    delete c.schedulingGates;
    return JSON.stringify(c);
  };
  if (normalize(spec) === normalize(old)) return [];
  return [fieldErrors.forbidden('spec', 'pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)')];
}
