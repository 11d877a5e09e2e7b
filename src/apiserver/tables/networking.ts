// networking.k8s.io/v1 Ingresses, IngressClasses, NetworkPolicies, ServiceCIDRs and IPAddresses.
import { ageCol, col, nameCol } from './columns.js';
import { since } from './duration.js';
import { formatLabelSelector } from './format.js';
import { loadBalancerAddresses } from './services.js';
import type { Obj, Printer } from './types.js';

const name = (o: Obj): string => o.metadata?.name ?? '';
const age = (o: Obj, now: Date): string => since(o.metadata?.creationTimestamp, now);

/** Up to three rule hosts, "*" when no rule names one; the "+ N more" counts rules, not hosts. */
function formatHosts(rules: Obj[]): string {
  const list: string[] = [];
  let more = false;
  for (const rule of rules) {
    if (list.length === 3) more = true;
    if (!more && rule.host) list.push(rule.host);
  }
  if (!list.length) return '*';
  return more ? `${list.join(',')} + ${rules.length - 3} more...` : list.join(',');
}

export const ingressPrinter: Printer = {
  columns: [
    nameCol(),
    col('Class', 'The name of the IngressClass resource that should be used for additional configuration'),
    col('Hosts', 'Hosts that incoming requests are matched against before the ingress rule'),
    col('Address', 'Address is a list containing ingress points for the load-balancer'),
    col('Ports', 'Ports of TLS configurations that open'),
    ageCol(),
  ],
  cells: (o, now) => [
    name(o), o.spec?.ingressClassName ?? '<none>', formatHosts(o.spec?.rules ?? []), loadBalancerAddresses(o.status?.loadBalancer).join(','),
    o.spec?.tls?.length ? '80, 443' : '80', age(o, now),
  ],
};

/** "Kind.apiGroup/name" of the class's parameters resource. */
function classParameters(p: Obj | undefined): string {
  if (!p) return '<none>';
  return `${p.kind ?? ''}${p.apiGroup ? `.${p.apiGroup}` : ''}/${p.name ?? ''}`;
}

export const ingressClassPrinter: Printer = {
  columns: [
    nameCol(),
    col('Controller', 'Controller that is responsible for handling this class'),
    col('Parameters', 'A reference to a resource with additional parameters'),
    ageCol(),
  ],
  cells: (o, now) => [name(o), o.spec?.controller ?? '', classParameters(o.spec?.parameters), age(o, now)],
};

export const networkPolicyPrinter: Printer = {
  columns: [nameCol(), col('Pod-Selector', 'Selects the pods to which this NetworkPolicy object applies.'), ageCol()],
  cells: (o, now) => [name(o), formatLabelSelector(o.spec?.podSelector ?? {}), age(o, now)],
};

export const serviceCIDRPrinter: Printer = {
  columns: [nameCol(), col('CIDRs', 'CIDRs defines the IP blocks in CIDR notation from which to assign service cluster IPs.'), ageCol()],
  cells: (o, now) => [name(o), (o.spec?.cidrs ?? []).join(','), age(o, now)],
};

/** "resource.group/namespace/name" of the object an IP is allocated to. */
function parentRef(ref: Obj | undefined): string {
  if (!ref) return '<none>';
  const resource = ref.group ? `${ref.resource ?? ''}.${ref.group}` : ref.resource ?? '';
  return `${resource.toLowerCase()}${ref.namespace ? `/${ref.namespace}` : ''}/${ref.name ?? ''}`;
}

export const ipAddressPrinter: Printer = {
  columns: [nameCol(), col('ParentRef', 'ParentRef references the resource that an IPAddress is attached to.')],
  cells: o => [name(o), parentRef(o.spec?.parentRef)],
};
