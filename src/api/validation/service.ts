// Service checks (pkg/apis/core/validation ValidateService / ValidateServiceUpdate).
import { fieldErrors, type FieldError } from '../errors.js';
import { dns1123Label, dns1123Subdomain } from './names.js';
import { validateLabels } from './object-meta.js';

type Obj = Record<string, any>;

const TYPES = ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort'];
const PROTOCOLS = ['SCTP', 'TCP', 'UDP'];

export function validateService(svc: Obj): FieldError[] {
  const spec = svc.spec ?? {};
  const errs: FieldError[] = [];
  const type = spec.type ?? 'ClusterIP';
  if (!TYPES.includes(type)) errs.push(fieldErrors.notSupported('spec.type', type, TYPES));
  const headless = spec.clusterIP === 'None';
  if (type === 'ExternalName') {
    if (!spec.externalName) errs.push(fieldErrors.required('spec.externalName'));
    else for (const msg of dns1123Subdomain(String(spec.externalName).replace(/\.$/, ''))) errs.push(fieldErrors.invalid('spec.externalName', spec.externalName, msg));
  } else if (!headless && !(spec.ports?.length)) {
    errs.push(fieldErrors.required('spec.ports'));
  }
  const ports: Obj[] = spec.ports ?? [];
  const names = new Set<string>();
  const seen = new Set<string>();
  ports.forEach((p, i) => {
    const pp = `spec.ports[${i}]`;
    if (ports.length > 1 && !p.name) errs.push(fieldErrors.required(`${pp}.name`));
    if (p.name) {
      for (const msg of dns1123Label(p.name)) errs.push(fieldErrors.invalid(`${pp}.name`, p.name, msg));
      if (names.has(p.name)) errs.push(fieldErrors.duplicate(`${pp}.name`, p.name));
      names.add(p.name);
    }
    if (!(Number.isInteger(p.port) && p.port >= 1 && p.port <= 65535)) errs.push(fieldErrors.invalid(`${pp}.port`, p.port, 'must be between 1 and 65535, inclusive'));
    if (p.protocol !== undefined && !PROTOCOLS.includes(p.protocol)) errs.push(fieldErrors.notSupported(`${pp}.protocol`, p.protocol, PROTOCOLS));
    const key = `${p.port}/${p.protocol ?? 'TCP'}`;
    if (seen.has(key)) errs.push(fieldErrors.duplicate(pp, { port: p.port, protocol: p.protocol ?? 'TCP' }));
    seen.add(key);
    if (typeof p.targetPort === 'number' && !(p.targetPort >= 1 && p.targetPort <= 65535)) errs.push(fieldErrors.invalid(`${pp}.targetPort`, p.targetPort, 'must be between 1 and 65535, inclusive'));
    if (p.nodePort && type !== 'NodePort' && type !== 'LoadBalancer') errs.push(fieldErrors.forbidden(`${pp}.nodePort`, 'may not be used when `type` is \'ClusterIP\''));
  });
  errs.push(...validateLabels(spec.selector, 'spec.selector'));
  return errs;
}

export function validateServiceUpdate(svc: Obj, old: Obj): FieldError[] {
  const errs = validateService(svc);
  const a = svc.spec ?? {};
  const b = old.spec ?? {};
  const changingType = (a.type === 'ExternalName') !== (b.type === 'ExternalName');
  if (!changingType && b.clusterIP && a.clusterIP && a.clusterIP !== b.clusterIP) {
    errs.push(fieldErrors.invalid('spec.clusterIPs[0]', a.clusterIP, 'may not change once set'));
  }
  return errs;
}
