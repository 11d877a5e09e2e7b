// networking.k8s.io/v1: Ingress and NetworkPolicy (pkg/apis/networking/validation).
import { cidrStrictlyWithin, splitCidr } from '../cidr.js';
import { fieldErrors, type FieldError } from '../errors.js';
import { dns1035Label, dns1123Subdomain, isIP, portName, portNumber, wildcardDns1123Subdomain } from './names.js';
import { validateLabelSelector } from './selector.js';
import type { KindRules, Obj } from './types.js';

const PATH_TYPES = ['Exact', 'ImplementationSpecific', 'Prefix'];
const PROTOCOLS = ['SCTP', 'TCP', 'UDP'];
const POLICY_TYPES = ['Ingress', 'Egress'];
const INVALID_CIDR = 'must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)';

function validateBackend(b: Obj | undefined, path: string): FieldError[] {
  if (!b || (!b.service && !b.resource)) return [fieldErrors.invalid(path, '', 'resource or service backend is required')];
  if (b.service && b.resource) return [fieldErrors.invalid(path, '', 'cannot set both resource and service backends')];
  if (b.resource) return [];
  const errs: FieldError[] = [];
  const svc = b.service;
  if (!svc.name) errs.push(fieldErrors.required(`${path}.service.name`));
  else for (const msg of dns1035Label(svc.name)) errs.push(fieldErrors.invalid(`${path}.service.name`, svc.name, msg));
  const port = svc.port ?? {};
  if (port.name && port.number) errs.push(fieldErrors.invalid(path, '', 'cannot set both port name & port number'));
  else if (port.name) for (const msg of portName(port.name)) errs.push(fieldErrors.invalid(`${path}.service.port.name`, port.name, msg));
  else if (port.number) for (const msg of portNumber(port.number)) errs.push(fieldErrors.invalid(`${path}.service.port.number`, port.number, msg));
  else errs.push(fieldErrors.required(path, 'port name or number is required'));
  return errs;
}

function validateIngress(ing: Obj): FieldError[] {
  const spec = ing.spec ?? {};
  const errs: FieldError[] = [];
  const rules: Obj[] = spec.rules ?? [];
  if (!rules.length && !spec.defaultBackend) errs.push(fieldErrors.invalid('spec', rules, 'either `defaultBackend` or `rules` must be specified'));
  if (spec.defaultBackend) errs.push(...validateBackend(spec.defaultBackend, 'spec.defaultBackend'));
  rules.forEach((rule, i) => {
    const p = `spec.rules[${i}]`;
    if (rule.host) {
      if (isIP(rule.host)) errs.push(fieldErrors.invalid(`${p}.host`, rule.host, 'must be a DNS name, not an IP address'));
      const check = rule.host.includes('*') ? wildcardDns1123Subdomain : dns1123Subdomain;
      for (const msg of check(rule.host)) errs.push(fieldErrors.invalid(`${p}.host`, rule.host, msg));
    }
    if (!rule.http) return;
    const paths: Obj[] = rule.http.paths ?? [];
    if (!paths.length) errs.push(fieldErrors.required(`${p}.http.paths`));
    paths.forEach((hp, j) => {
      const pp = `${p}.http.paths[${j}]`;
      if (!hp.pathType) errs.push(fieldErrors.required(`${pp}.pathType`, 'pathType must be specified'));
      else if (!PATH_TYPES.includes(hp.pathType)) errs.push(fieldErrors.notSupported(`${pp}.pathType`, hp.pathType, PATH_TYPES));
      else if (hp.pathType !== 'ImplementationSpecific' && !String(hp.path ?? '').startsWith('/')) errs.push(fieldErrors.invalid(`${pp}.path`, hp.path ?? '', 'must be an absolute path'));
      errs.push(...validateBackend(hp.backend, `${pp}.backend`));
    });
  });
  if (spec.ingressClassName) for (const msg of dns1123Subdomain(spec.ingressClassName)) errs.push(fieldErrors.invalid('spec.ingressClassName', spec.ingressClassName, msg));
  return errs;
}

function validatePolicyPort(port: Obj, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (port.protocol !== undefined && !PROTOCOLS.includes(port.protocol)) errs.push(fieldErrors.notSupported(`${path}.protocol`, port.protocol, PROTOCOLS));
  if (port.port === undefined) {
    if (port.endPort !== undefined) errs.push(fieldErrors.invalid(`${path}.endPort`, port.endPort, 'may not be specified when `port` is not specified'));
    return errs;
  }
  if (typeof port.port === 'number') {
    for (const msg of portNumber(port.port)) errs.push(fieldErrors.invalid(`${path}.port`, port.port, msg));
    if (port.endPort !== undefined) {
      if (port.endPort < port.port) errs.push(fieldErrors.invalid(`${path}.endPort`, port.port, 'must be greater than or equal to `port`'));
      for (const msg of portNumber(port.endPort)) errs.push(fieldErrors.invalid(`${path}.endPort`, port.endPort, msg));
    }
  } else {
    if (port.endPort !== undefined) errs.push(fieldErrors.invalid(`${path}.endPort`, port.endPort, 'may not be specified when `port` is non-numeric'));
    for (const msg of portName(port.port)) errs.push(fieldErrors.invalid(`${path}.port`, port.port, msg));
  }
  return errs;
}

/** Upstream's ValidateIPBlock: a valid cidr, and each except a valid CIDR strictly inside it. */
function validateIPBlock(block: Obj, path: string): FieldError[] {
  if (!block.cidr) return [fieldErrors.required(`${path}.cidr`)];
  const cidr = splitCidr(String(block.cidr));
  if (!cidr) return [fieldErrors.invalid(`${path}.cidr`, block.cidr, INVALID_CIDR)];
  const errs: FieldError[] = [];
  ((block.except ?? []) as unknown[]).forEach((text, i) => {
    const except = splitCidr(String(text));
    if (!except) errs.push(fieldErrors.invalid(`${path}.except[${i}]`, text, INVALID_CIDR));
    else if (!cidrStrictlyWithin(except, cidr)) errs.push(fieldErrors.invalid(`${path}.except[${i}]`, text, 'must be a strict subset of `cidr`'));
  });
  return errs;
}

function validatePeer(peer: Obj, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const kinds = ['podSelector', 'namespaceSelector', 'ipBlock'].filter(k => peer[k]);
  if (!kinds.length) errs.push(fieldErrors.required(path, 'must specify a peer'));
  else if (kinds.length > 1 && peer.ipBlock) errs.push(fieldErrors.forbidden(path, 'may not specify both ipBlock and another peer'));
  errs.push(...validateLabelSelector(peer.podSelector, `${path}.podSelector`));
  errs.push(...validateLabelSelector(peer.namespaceSelector, `${path}.namespaceSelector`));
  if (peer.ipBlock) errs.push(...validateIPBlock(peer.ipBlock, `${path}.ipBlock`));
  return errs;
}

function validateNetworkPolicy(np: Obj): FieldError[] {
  const spec = np.spec ?? {};
  const errs = validateLabelSelector(spec.podSelector, 'spec.podSelector');
  for (const [dir, peers] of [['ingress', 'from'], ['egress', 'to']] as const) {
    ((spec[dir] ?? []) as Obj[]).forEach((rule, i) => {
      const p = `spec.${dir}[${i}]`;
      ((rule.ports ?? []) as Obj[]).forEach((port, j) => errs.push(...validatePolicyPort(port, `${p}.ports[${j}]`)));
      ((rule[peers] ?? []) as Obj[]).forEach((peer, j) => errs.push(...validatePeer(peer, `${p}.${peers}[${j}]`)));
    });
  }
  const types: string[] = spec.policyTypes ?? [];
  types.forEach((t, i) => {
    if (!POLICY_TYPES.includes(t)) errs.push(fieldErrors.notSupported(`spec.policyTypes[${i}]`, t, POLICY_TYPES));
  });
  if (types.length > 2) errs.push(fieldErrors.invalid('spec.policyTypes', types, 'may not specify more than two policyTypes'));
  return errs;
}

export const networkingRules: Record<string, KindRules> = {
  Ingress: { validate: validateIngress },
  NetworkPolicy: { validate: validateNetworkPolicy },
};
