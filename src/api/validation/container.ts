// One container's checks (validateContainerCommon and friends in pkg/apis/core/validation):
// name, image, ports, env, mounts, probes, lifecycle hooks, resources, pull policy.
import { fieldErrors, type FieldError } from '../errors.js';
import { configMapKey, dns1123Label, dns1123Subdomain, envVarName, portName, portNumber, portNumberOrName } from './names.js';
import { validateResourceRequirements } from './resources.js';
import type { Obj } from './types.js';

export type ContainerKind = 'init' | 'regular' | 'ephemeral';

const PROTOCOLS = ['SCTP', 'TCP', 'UDP'];
const PULL_POLICIES = ['Always', 'IfNotPresent', 'Never'];
const MESSAGE_POLICIES = ['File', 'FallbackToLogsOnError'];
const HANDLER_TYPES = ['exec', 'httpGet', 'tcpSocket', 'grpc', 'sleep'];
const ENV_FIELD_PATHS = ['metadata.name', 'metadata.namespace', 'metadata.uid', 'spec.nodeName', 'spec.serviceAccountName', 'status.hostIP', 'status.hostIPs', 'status.podIP', 'status.podIPs'];
const SUBSCRIPTED_FIELD_PATH = /^metadata\.(labels|annotations)\['[^']+'\]$/;

export interface ContainerContext {
  /** Names of every container in the pod so far, for duplicates across all lists. */
  names: Set<string>;
  volumes: Set<string>;
}

export function validateContainer(c: Obj, path: string, kind: ContainerKind, ctx: ContainerContext): FieldError[] {
  const errs: FieldError[] = [];
  if (!c.name) errs.push(fieldErrors.required(`${path}.name`));
  else {
    for (const msg of dns1123Label(c.name)) errs.push(fieldErrors.invalid(`${path}.name`, c.name, msg));
    if (ctx.names.has(c.name)) errs.push(fieldErrors.duplicate(`${path}.name`, c.name));
    ctx.names.add(c.name);
  }
  if (!c.image) errs.push(fieldErrors.required(`${path}.image`));
  else if (String(c.image).trim() !== c.image) errs.push(fieldErrors.invalid(`${path}.image`, c.image, 'must not have leading or trailing whitespace'));
  errs.push(...validateLifecycleAndProbes(c, path, kind));
  errs.push(...enumField(c.terminationMessagePolicy, `${path}.terminationMessagePolicy`, MESSAGE_POLICIES));
  errs.push(...validatePorts(c.ports ?? [], `${path}.ports`));
  errs.push(...validateEnv(c.env ?? [], `${path}.env`));
  for (const [i, from] of ((c.envFrom ?? []) as Obj[]).entries()) {
    if (from.prefix) for (const msg of envVarName(from.prefix)) errs.push(fieldErrors.invalid(`${path}.envFrom[${i}].prefix`, from.prefix, msg));
    if (!!from.configMapRef === !!from.secretRef) errs.push(fieldErrors.invalid(`${path}.envFrom[${i}]`, '', 'must specify one of: `configMapRef` or `secretRef`'));
  }
  errs.push(...validateVolumeMounts(c.volumeMounts ?? [], `${path}.volumeMounts`, ctx.volumes, !!c.securityContext?.privileged));
  errs.push(...enumField(c.imagePullPolicy, `${path}.imagePullPolicy`, PULL_POLICIES));
  errs.push(...validateResourceRequirements(c.resources, `${path}.resources`));
  if (c.restartPolicy !== undefined) {
    if (kind !== 'init') errs.push(fieldErrors.forbidden(`${path}.restartPolicy`, 'may not be set for non-init containers'));
    else if (c.restartPolicy !== 'Always') errs.push(fieldErrors.notSupported(`${path}.restartPolicy`, c.restartPolicy, ['Always']));
  }
  return errs;
}

/** An enum that defaults fill in: required when still empty, else one of the allowed values. */
export function enumField(value: unknown, path: string, allowed: string[]): FieldError[] {
  if (value === undefined || value === '') return [fieldErrors.required(path)];
  return allowed.includes(value as string) ? [] : [fieldErrors.notSupported(path, value, allowed)];
}

function validateLifecycleAndProbes(c: Obj, path: string, kind: ContainerKind): FieldError[] {
  const errs: FieldError[] = [];
  // Plain init containers and ephemeral containers run to completion: nothing to probe or hook.
  const restartable = kind === 'regular' || c.restartPolicy === 'Always';
  const why = kind === 'init' ? 'may not be set for init containers without restartPolicy=Always' : 'cannot be set for an Ephemeral Container';
  for (const f of ['lifecycle', 'livenessProbe', 'readinessProbe', 'startupProbe']) {
    if (c[f] && !restartable) errs.push(fieldErrors.forbidden(`${path}.${f}`, why));
  }
  if (!restartable) return errs;
  for (const hook of ['postStart', 'preStop']) if (c.lifecycle?.[hook]) errs.push(...validateHandler(c.lifecycle[hook], `${path}.lifecycle.${hook}`));
  for (const f of ['livenessProbe', 'readinessProbe', 'startupProbe']) if (c[f]) errs.push(...validateProbe(c[f], `${path}.${f}`));
  for (const f of ['livenessProbe', 'startupProbe']) {
    if (c[f] && c[f].successThreshold !== undefined && c[f].successThreshold !== 1) errs.push(fieldErrors.invalid(`${path}.${f}.successThreshold`, c[f].successThreshold, 'must be 1'));
  }
  if (c.readinessProbe?.terminationGracePeriodSeconds !== undefined) {
    errs.push(fieldErrors.invalid(`${path}.readinessProbe.terminationGracePeriodSeconds`, c.readinessProbe.terminationGracePeriodSeconds, 'must not be set for readinessProbes'));
  }
  return errs;
}

function validateProbe(p: Obj, path: string): FieldError[] {
  const errs = validateHandler(p, path);
  for (const f of ['initialDelaySeconds', 'timeoutSeconds', 'periodSeconds', 'successThreshold', 'failureThreshold']) {
    if (typeof p[f] === 'number' && p[f] < 0) errs.push(fieldErrors.invalid(`${path}.${f}`, p[f], 'must be greater than or equal to 0'));
  }
  if (p.terminationGracePeriodSeconds !== undefined && !(p.terminationGracePeriodSeconds > 0)) {
    errs.push(fieldErrors.invalid(`${path}.terminationGracePeriodSeconds`, p.terminationGracePeriodSeconds, 'must be greater than 0'));
  }
  return errs;
}

/** Exactly one handler: exec, httpGet, tcpSocket, grpc or sleep. */
function validateHandler(h: Obj, path: string): FieldError[] {
  const errs: FieldError[] = [];
  let count = 0;
  for (const type of HANDLER_TYPES) {
    if (!h[type]) continue;
    if (count++ > 0) {
      errs.push(fieldErrors.forbidden(`${path}.${type}`, 'may not specify more than 1 handler type'));
      continue;
    }
    const p = `${path}.${type}`;
    const a = h[type];
    if (type === 'exec' && !a.command?.length) errs.push(fieldErrors.required(`${p}.command`));
    if (type === 'httpGet') {
      if (!a.path) errs.push(fieldErrors.required(`${p}.path`));
      errs.push(...portRef(a.port, `${p}.port`));
      if (a.scheme !== undefined && !['HTTP', 'HTTPS'].includes(a.scheme)) errs.push(fieldErrors.notSupported(`${p}.scheme`, a.scheme, ['HTTP', 'HTTPS']));
    }
    if (type === 'tcpSocket') errs.push(...portRef(a.port, `${p}.port`));
    if (type === 'grpc') for (const msg of portNumber(a.port)) errs.push(fieldErrors.invalid(`${p}.port`, a.port, msg));
    if (type === 'sleep' && !(Number.isInteger(a.seconds) && a.seconds >= 0)) errs.push(fieldErrors.invalid(`${p}.seconds`, a.seconds, 'must be greater than or equal to 0'));
  }
  if (count === 0) errs.push(fieldErrors.required(path, 'must specify a handler type'));
  return errs;
}

/** ValidatePortNumOrName. */
export function portRef(port: unknown, path: string): FieldError[] {
  if (port === '' || port === undefined) return [fieldErrors.required(path)];
  return portNumberOrName(port).map(msg => fieldErrors.invalid(path, port, msg));
}

function validatePorts(ports: Obj[], path: string): FieldError[] {
  const errs: FieldError[] = [];
  const names = new Set<string>();
  ports.forEach((port, i) => {
    const p = `${path}[${i}]`;
    if (port.name) {
      const msgs = portName(port.name);
      for (const msg of msgs) errs.push(fieldErrors.invalid(`${p}.name`, port.name, msg));
      if (!msgs.length && names.has(port.name)) errs.push(fieldErrors.duplicate(`${p}.name`, port.name));
      names.add(port.name);
    }
    if (!port.containerPort) errs.push(fieldErrors.required(`${p}.containerPort`));
    else for (const msg of portNumber(port.containerPort)) errs.push(fieldErrors.invalid(`${p}.containerPort`, port.containerPort, msg));
    if (port.hostPort) for (const msg of portNumber(port.hostPort)) errs.push(fieldErrors.invalid(`${p}.hostPort`, port.hostPort, msg));
    errs.push(...enumField(port.protocol, `${p}.protocol`, PROTOCOLS));
  });
  return errs;
}

function validateEnv(env: Obj[], path: string): FieldError[] {
  const errs: FieldError[] = [];
  env.forEach((e, i) => {
    const p = `${path}[${i}]`;
    if (!e.name) errs.push(fieldErrors.required(`${p}.name`));
    else for (const msg of envVarName(e.name)) errs.push(fieldErrors.invalid(`${p}.name`, e.name, msg));
    if (e.valueFrom) errs.push(...validateValueFrom(e, `${p}.valueFrom`));
  });
  return errs;
}

function validateValueFrom(e: Obj, path: string): FieldError[] {
  const from = e.valueFrom;
  const errs: FieldError[] = [];
  const sources = ['fieldRef', 'resourceFieldRef', 'configMapKeyRef', 'secretKeyRef'].filter(s => from[s]);
  if (from.fieldRef) {
    const fp = from.fieldRef.fieldPath;
    if (!from.fieldRef.apiVersion) errs.push(fieldErrors.required(`${path}.fieldRef.apiVersion`));
    if (!fp) errs.push(fieldErrors.required(`${path}.fieldRef.fieldPath`));
    else if (!ENV_FIELD_PATHS.includes(fp) && !SUBSCRIPTED_FIELD_PATH.test(fp)) errs.push(fieldErrors.notSupported(`${path}.fieldRef.fieldPath`, fp, ENV_FIELD_PATHS));
  }
  if (from.resourceFieldRef && !from.resourceFieldRef.resource) errs.push(fieldErrors.required(`${path}.resourceFieldRef.resource`));
  for (const ref of ['configMapKeyRef', 'secretKeyRef']) {
    const sel = from[ref];
    if (!sel) continue;
    if (sel.name) for (const msg of dns1123Subdomain(sel.name)) errs.push(fieldErrors.invalid(`${path}.${ref}.name`, sel.name, msg));
    if (!sel.key) errs.push(fieldErrors.required(`${path}.${ref}.key`));
    else for (const msg of configMapKey(sel.key)) errs.push(fieldErrors.invalid(`${path}.${ref}.key`, sel.key, msg));
  }
  if (!sources.length) errs.push(fieldErrors.invalid(path, '', 'must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`'));
  else if (e.value) errs.push(fieldErrors.invalid(path, '', 'may not be specified when `value` is not empty'));
  else if (sources.length > 1) errs.push(fieldErrors.invalid(path, '', 'may not have more than one field specified at a time'));
  return errs;
}

const MOUNT_PROPAGATIONS = ['Bidirectional', 'HostToContainer', 'None'];

function validateVolumeMounts(mounts: Obj[], path: string, volumes: Set<string>, privileged: boolean): FieldError[] {
  const errs: FieldError[] = [];
  const mountPaths = new Set<string>();
  mounts.forEach((m, i) => {
    const p = `${path}[${i}]`;
    if (!m.name) errs.push(fieldErrors.required(`${p}.name`));
    if (!volumes.has(m.name)) errs.push(fieldErrors.notFound(`${p}.name`, m.name ?? ''));
    if (!m.mountPath) errs.push(fieldErrors.required(`${p}.mountPath`));
    else if (mountPaths.has(m.mountPath)) errs.push(fieldErrors.invalid(`${p}.mountPath`, m.mountPath, 'must be unique'));
    mountPaths.add(m.mountPath);
    if (m.subPath && (String(m.subPath).startsWith('/') || String(m.subPath).split('/').includes('..'))) {
      errs.push(fieldErrors.invalid(`${path}.subPath`, m.subPath, String(m.subPath).startsWith('/') ? 'must be a relative path' : "must not contain '..'"));
    }
    // Upstream's validateMountPropagation: a mount that propagates back to the host only from a privileged container.
    if (m.mountPropagation !== undefined) {
      if (!MOUNT_PROPAGATIONS.includes(m.mountPropagation)) errs.push(fieldErrors.notSupported(`${p}.mountPropagation`, m.mountPropagation, MOUNT_PROPAGATIONS));
      else if (m.mountPropagation === 'Bidirectional' && !privileged) errs.push(fieldErrors.forbidden(`${p}.mountPropagation`, 'Bidirectional mount propagation is available only to privileged containers'));
    }
  });
  return errs;
}
