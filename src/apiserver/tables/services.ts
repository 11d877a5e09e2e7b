// Services, Endpoints and discovery.k8s.io EndpointSlices.
import { ageCol, col, nameCol } from './columns.js';
import { since } from './duration.js';
import { joinHostPort } from '../../util/host-port.js';
import { formatLabels, listWithMore } from './format.js';
import type { Obj, Printer } from './types.js';

/** Load-balancer ingress points, IP preferred over hostname, de-duplicated and sorted. */
export function loadBalancerAddresses(status: Obj | undefined): string[] {
  const set = new Set<string>();
  for (const i of (status?.ingress ?? []) as Obj[]) {
    if (i.ip) set.add(i.ip);
    else if (i.hostname) set.add(i.hostname);
  }
  return [...set].sort();
}

function externalIP(svc: Obj): string {
  const spec: Obj = svc.spec ?? {};
  const external: string[] = spec.externalIPs ?? [];
  switch (spec.type ?? 'ClusterIP') {
    case 'ClusterIP':
    case 'NodePort':
      return external.length ? external.join(',') : '<none>';
    case 'LoadBalancer': {
      const all = [...loadBalancerAddresses(svc.status?.loadBalancer), ...external];
      return all.length ? all.join(',') : '<pending>';
    }
    case 'ExternalName':
      return spec.externalName ?? '';
    default:
      return '<unknown>';
  }
}

/** "80/TCP", or "80:30080/TCP" when a node port is allocated. */
function servicePorts(svc: Obj): string {
  const ports: Obj[] = svc.spec?.ports ?? [];
  if (!ports.length) return '<none>';
  return ports.map(p => `${p.port}${p.nodePort ? `:${p.nodePort}` : ''}/${p.protocol ?? 'TCP'}`).join(',');
}

export const servicePrinter: Printer = {
  columns: [
    nameCol(),
    col('Type', 'type determines how the Service is exposed.'),
    col('Cluster-IP', 'clusterIP is the IP address of the service and is usually assigned randomly.'),
    col('External-IP', 'externalIPs is a list of IP addresses for which nodes in the cluster will also accept traffic for this service.'),
    col('Port(s)', 'The list of ports that are exposed by this service.'),
    ageCol(),
    col('Selector', 'Route service traffic to pods with label keys and values matching this selector.', { wide: true }),
  ],
  cells(o, now) {
    const clusterIP = o.spec?.clusterIPs?.[0] ?? o.spec?.clusterIP;
    return [
      o.metadata?.name ?? '', o.spec?.type ?? 'ClusterIP', clusterIP || '<none>', externalIP(o), servicePorts(o),
      since(o.metadata?.creationTimestamp, now), formatLabels(o.spec?.selector),
    ];
  },
};

/**
 * Up to three "ip:port" endpoints then "+ N more...", N counting every address-port pair; headless
 * subsets without ports list bare IPs. No subsets at all is "<none>"; subsets without ready
 * addresses print empty.
 */
function formatEndpoints(ep: Obj): string {
  const subsets: Obj[] = ep.subsets ?? [];
  if (!subsets.length) return '<none>';
  const list: string[] = [];
  let count = 0;
  for (const s of subsets) {
    const addresses: Obj[] = s.addresses ?? [];
    const ports: Obj[] = s.ports ?? [];
    if (!ports.length) {
      count += addresses.length;
      for (const a of addresses) if (list.length < 3) list.push(a.ip);
      continue;
    }
    for (const p of ports) {
      count += addresses.length;
      for (const a of addresses) if (list.length < 3) list.push(joinHostPort(a.ip, p.port));
    }
  }
  return count > 3 ? `${list.join(',')} + ${count - 3} more...` : list.join(',');
}

export const endpointsPrinter: Printer = {
  columns: [nameCol(), col('Endpoints', 'The set of all endpoints is the union of all subsets.'), ageCol()],
  cells: (o, now) => [o.metadata?.name ?? '', formatEndpoints(o), since(o.metadata?.creationTimestamp, now)],
};

export const endpointSlicePrinter: Printer = {
  columns: [
    nameCol(),
    col('AddressType', 'addressType specifies the type of address carried by this EndpointSlice.'),
    col('Ports', 'ports specifies the list of network ports exposed by each endpoint in this slice.'),
    col('Endpoints', 'endpoints is a list of unique endpoints in this slice.'),
    ageCol(),
  ],
  cells(o, now) {
    // A port without a number applies to all ports; upstream shows its name, or "*".
    const ports = ((o.ports ?? []) as Obj[]).map(p => (p.port !== undefined && p.port !== null ? String(p.port) : p.name ?? '*'));
    const addresses = ((o.endpoints ?? []) as Obj[]).flatMap(e => (e.addresses ?? []) as string[]);
    return [o.metadata?.name ?? '', o.addressType ?? '', listWithMore(ports), listWithMore(addresses), since(o.metadata?.creationTimestamp, now)];
  },
};
