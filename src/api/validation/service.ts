// Services (ValidateService / ValidateServiceUpdate in pkg/apis/core/validation). Node ports'
// ranges and clashes are the allocator's business, not checked here.
import { fieldErrors, type FieldError } from '../errors.js';
import { loadBalancerSourceRanges, SOURCE_RANGES_ANNOTATION, sourceRangesOrigin, SourceRangeError } from '../load-balancer-source-ranges.js';
import { portRef } from './container.js';
import { duplicateGo, goStringSlice, invalidGo } from './go-value.js';
import { dns1035Label, dns1123Label, dns1123Subdomain, portNumber } from './names.js';
import { validateLabels } from './object-meta.js';
import type { KindRules, Obj } from './types.js';

const TYPES = ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort'];
const PROTOCOLS = ['SCTP', 'TCP', 'UDP'];
const AFFINITIES = ['ClientIP', 'None'];
const TRAFFIC_POLICIES = ['Cluster', 'Local'];
const MAX_CLIENT_IP_TIMEOUT = 86400;

function validateService(svc: Obj): FieldError[] {
  const spec = svc.spec ?? {};
  const errs: FieldError[] = [];
  const headless = spec.clusterIP === 'None';
  const ports: Obj[] = spec.ports ?? [];
  if (!ports.length && !headless && spec.type !== 'ExternalName') errs.push(fieldErrors.required('spec.ports'));
  if (!spec.type) errs.push(fieldErrors.required('spec.type'));
  else if (!TYPES.includes(spec.type)) errs.push(fieldErrors.notSupported('spec.type', spec.type, TYPES));
  if (spec.type === 'ExternalName') errs.push(...validateExternalName(spec));
  const names = new Set<string>();
  ports.forEach((p, i) => errs.push(...validateServicePort(p, `spec.ports[${i}]`, ports.length > 1, names)));
  const seen = new Set<string>();
  ports.forEach((p, i) => {
    const key = `${p.port}/${p.protocol}`;
    if (seen.has(key)) errs.push(duplicatePort(`spec.ports[${i}]`, p));
    seen.add(key);
  });
  if (spec.type === 'ClusterIP') {
    ports.forEach((p, i) => {
      if (p.nodePort) errs.push(fieldErrors.forbidden(`spec.ports[${i}].nodePort`, "may not be used when `type` is 'ClusterIP'"));
    });
  }
  errs.push(...validateLabels(spec.selector, 'spec.selector'));
  if (spec.sessionAffinity === undefined) errs.push(fieldErrors.required('spec.sessionAffinity'));
  else if (!AFFINITIES.includes(spec.sessionAffinity)) errs.push(fieldErrors.notSupported('spec.sessionAffinity', spec.sessionAffinity, AFFINITIES));
  const timeout = spec.sessionAffinityConfig?.clientIP?.timeoutSeconds;
  if (spec.sessionAffinity === 'ClientIP' && timeout !== undefined && !(timeout > 0 && timeout <= MAX_CLIENT_IP_TIMEOUT)) {
    errs.push(fieldErrors.invalid('spec.sessionAffinityConfig.clientIP.timeoutSeconds', timeout, `must be greater than 0 and less than ${MAX_CLIENT_IP_TIMEOUT}`));
  }
  for (const f of ['externalTrafficPolicy', 'internalTrafficPolicy']) {
    if (spec[f] !== undefined && !TRAFFIC_POLICIES.includes(spec[f])) errs.push(fieldErrors.notSupported(`spec.${f}`, spec[f], TRAFFIC_POLICIES));
  }
  errs.push(...validateSourceRanges(svc));
  return errs;
}

/** Upstream's field path really is spec.LoadBalancerSourceRanges (capital L), its value is the list printed by Go's %v, and its message ends in a space. */
function validateSourceRanges(svc: Obj): FieldError[] {
  const origin = sourceRangesOrigin(svc);
  if (!origin) return [];
  const [path, rendered] = origin === 'field'
    ? ['spec.LoadBalancerSourceRanges', `[${svc.spec.loadBalancerSourceRanges.join(' ')}]`]
    : [`metadata.annotations[${SOURCE_RANGES_ANNOTATION}]`, String(svc.metadata.annotations[SOURCE_RANGES_ANNOTATION])];
  const errs: FieldError[] = [];
  if (svc.spec?.type !== 'LoadBalancer') errs.push(fieldErrors.forbidden(path, "may only be used when `type` is 'LoadBalancer'"));
  try {
    loadBalancerSourceRanges(svc);
  } catch (err) {
    if (!(err instanceof SourceRangeError)) throw err;
    errs.push(fieldErrors.invalid(path, rendered, 'must be a list of IP ranges. For example, 10.240.0.0/24,10.250.0.0/24 '));
  }
  return errs;
}

function validateExternalName(spec: Obj): FieldError[] {
  const errs: FieldError[] = [];
  for (const f of ['clusterIPs', 'ipFamilies']) if (spec[f]?.length) errs.push(fieldErrors.forbidden(`spec.${f}`, 'may not be set for ExternalName services'));
  if (spec.ipFamilyPolicy) errs.push(fieldErrors.forbidden('spec.ipFamilyPolicy', 'may not be set for ExternalName services'));
  // The CNAME may end in a dot to mark it fully qualified.
  const cname = String(spec.externalName ?? '').replace(/\.$/, '');
  if (!cname) errs.push(fieldErrors.required('spec.externalName'));
  else for (const msg of dns1123Subdomain(cname)) errs.push(fieldErrors.invalid('spec.externalName', cname, msg));
  return errs;
}

function validateServicePort(p: Obj, path: string, nameRequired: boolean, names: Set<string>): FieldError[] {
  const errs: FieldError[] = [];
  if (nameRequired && !p.name) errs.push(fieldErrors.required(`${path}.name`));
  else if (p.name) for (const msg of dns1123Label(p.name)) errs.push(fieldErrors.invalid(`${path}.name`, p.name, msg));
  if (p.name) {
    if (names.has(p.name)) errs.push(fieldErrors.duplicate(`${path}.name`, p.name));
    names.add(p.name);
  }
  for (const msg of portNumber(p.port)) errs.push(fieldErrors.invalid(`${path}.port`, p.port, msg));
  if (!p.protocol) errs.push(fieldErrors.required(`${path}.protocol`));
  else if (!PROTOCOLS.includes(p.protocol)) errs.push(fieldErrors.notSupported(`${path}.protocol`, p.protocol, PROTOCOLS));
  errs.push(...portRef(p.targetPort, `${path}.targetPort`));
  if (p.nodePort) for (const msg of portNumber(p.nodePort)) errs.push(fieldErrors.invalid(`${path}.nodePort`, p.nodePort, msg));
  return errs;
}

/** Upstream keys duplicates on a Go ServicePort holding only port and protocol, and prints it. */
function duplicatePort(path: string, p: Obj): FieldError {
  const rendered = `core.ServicePort{Name:"", Protocol:${JSON.stringify(p.protocol)}, AppProtocol:(*string)(nil), Port:${p.port}, TargetPort:intstr.IntOrString{Type:0, IntVal:0, StrVal:""}, NodePort:0}`;
  return duplicateGo(path, rendered, { port: p.port, protocol: p.protocol });
}

function clusterIPs(spec: Obj): string[] {
  return spec.clusterIPs?.length ? spec.clusterIPs : spec.clusterIP ? [spec.clusterIP] : [];
}

function validateServiceUpdate(svc: Obj, old: Obj): FieldError[] {
  const a = svc.spec ?? {};
  const b = old.spec ?? {};
  // Switching to or from ExternalName releases or allocates the IP; otherwise it is fixed.
  if (a.type === 'ExternalName' || b.type === 'ExternalName') return [];
  const now = clusterIPs(a);
  const before = clusterIPs(b);
  if (now.length && before.length && now[0] !== before[0]) return [invalidGo('spec.clusterIPs[0]', goStringSlice(now), 'may not change once set', now)];
  return [];
}

export const serviceRules: KindRules = {
  name: dns1035Label,
  validate: validateService,
  validateUpdate: validateServiceUpdate,
};
