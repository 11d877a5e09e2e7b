// discovery.k8s.io/v1 EndpointSlices: one address type per slice, fixed for its lifetime.
import { fieldErrors, type FieldError } from '../errors.js';
import { dns1123Subdomain, isIPv4, isIPv6, portNumber } from './names.js';
import { immutable } from './object-meta.js';
import type { KindRules, Obj } from './types.js';

const ADDRESS_TYPES = ['FQDN', 'IPv4', 'IPv6'];
const PROTOCOLS = ['SCTP', 'TCP', 'UDP'];
const MAX_ADDRESSES = 100;

function addressErrors(type: string, addr: string): string[] {
  if (type === 'IPv4') return isIPv4(addr) ? [] : ['must be a valid IPv4 address'];
  if (type === 'IPv6') return isIPv6(addr) ? [] : ['must be a valid IPv6 address'];
  return dns1123Subdomain(addr);
}

function validateEndpointSlice(es: Obj): FieldError[] {
  const errs: FieldError[] = [];
  const type = es.addressType;
  if (!type) errs.push(fieldErrors.required('addressType'));
  else if (!ADDRESS_TYPES.includes(type)) errs.push(fieldErrors.notSupported('addressType', type, ADDRESS_TYPES));
  ((es.endpoints ?? []) as Obj[]).forEach((ep, i) => {
    const p = `endpoints[${i}].addresses`;
    const addrs: string[] = ep.addresses ?? [];
    if (!addrs.length) errs.push(fieldErrors.required(p, 'must contain at least 1 address'));
    else if (addrs.length > MAX_ADDRESSES) errs.push(fieldErrors.tooMany(p, MAX_ADDRESSES));
    if (ADDRESS_TYPES.includes(type)) addrs.forEach((a, j) => errs.push(...addressErrors(type, a).map(msg => fieldErrors.invalid(`${p}[${j}]`, a, msg))));
  });
  ((es.ports ?? []) as Obj[]).forEach((port, i) => {
    const p = `ports[${i}]`;
    if (port.protocol !== undefined && !PROTOCOLS.includes(port.protocol)) errs.push(fieldErrors.notSupported(`${p}.protocol`, port.protocol, PROTOCOLS));
    if (port.port !== undefined && port.port !== null) for (const msg of portNumber(port.port)) errs.push(fieldErrors.invalid(`${p}.port`, port.port, msg));
  });
  return errs;
}

export const endpointSliceRules: KindRules = {
  validate: validateEndpointSlice,
  validateUpdate: (es, old) => (es.addressType !== old.addressType ? [immutable('addressType', es.addressType ?? '')] : []),
};
