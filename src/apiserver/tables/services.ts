// Services, Endpoints, EndpointSlices, Ingresses and NetworkPolicies.
import { formatLabels, formatSelector, since } from './format.js';
import { col, type Printer } from './types.js';

type Obj = Record<string, any>;

function externalIP(svc: Obj): string {
  const spec = svc.spec ?? {};
  const external: string[] = spec.externalIPs ?? [];
  switch (spec.type) {
    case 'ExternalName': return spec.externalName ?? '<none>';
    case 'LoadBalancer': {
      const ingress: string[] = (svc.status?.loadBalancer?.ingress ?? []).map((i: Obj) => i.ip || i.hostname).filter(Boolean);
      const all = [...ingress, ...external];
      return all.length ? all.join(',') : '<pending>';
    }
    default: return external.length ? external.join(',') : '<none>';
  }
}

function servicePorts(svc: Obj): string {
  const ports: Obj[] = svc.spec?.ports ?? [];
  if (!ports.length) return '<none>';
  return ports.map(p => (p.nodePort ? `${p.port}:${p.nodePort}/${p.protocol ?? 'TCP'}` : `${p.port}/${p.protocol ?? 'TCP'}`)).join(',');
}

export const servicePrinter: Printer = {
  columns: [col('Name'), col('Type'), col('Cluster-IP'), col('External-IP'), col('Port(s)'), col('Age'), col('Selector', { wide: true })],
  cells: (o, now) => [
    o.metadata.name, o.spec?.type ?? 'ClusterIP', o.spec?.clusterIP || '<none>', externalIP(o), servicePorts(o),
    since(o.metadata.creationTimestamp, now), formatLabels(o.spec?.selector),
  ],
};

/** "ip:port" pairs, at most three then "+ N more...", as upstream's formatEndpoints. */
function formatEndpoints(ep: Obj): string {
  const out: string[] = [];
  let count = 0;
  for (const s of ep.subsets ?? []) {
    const ports: Obj[] = s.ports?.length ? s.ports : [{}];
    for (const a of s.addresses ?? []) {
      for (const p of ports) {
        count++;
        if (out.length < 3) out.push(p.port !== undefined ? `${a.ip}:${p.port}` : a.ip);
      }
    }
  }
  if (!count) return '<none>';
  return count > 3 ? `${out.join(',')} + ${count - 3} more...` : out.join(',');
}

export const endpointsPrinter: Printer = {
  columns: [col('Name'), col('Endpoints'), col('Age')],
  cells: (o, now) => [o.metadata.name, formatEndpoints(o), since(o.metadata.creationTimestamp, now)],
};

export const endpointSlicePrinter: Printer = {
  columns: [col('Name'), col('AddressType'), col('Ports'), col('Endpoints'), col('Age')],
  cells: (o, now) => {
    const ports: Obj[] = o.ports ?? [];
    const addrs: string[] = (o.endpoints ?? []).flatMap((e: Obj) => e.addresses ?? []);
    const shown = addrs.slice(0, 3).join(',');
    return [
      o.metadata.name, o.addressType ?? '', ports.length ? ports.map(p => p.port ?? '').join(',') : '<unset>',
      addrs.length ? (addrs.length > 3 ? `${shown} + ${addrs.length - 3} more...` : shown) : '<unset>', since(o.metadata.creationTimestamp, now),
    ];
  },
};

export const ingressPrinter: Printer = {
  columns: [col('Name'), col('Class'), col('Hosts'), col('Address'), col('Ports'), col('Age')],
  cells: (o, now) => {
    const hosts = (o.spec?.rules ?? []).map((r: Obj) => r.host).filter(Boolean);
    const address = (o.status?.loadBalancer?.ingress ?? []).map((i: Obj) => i.ip || i.hostname).filter(Boolean).join(',');
    return [
      o.metadata.name, o.spec?.ingressClassName || '<none>', hosts.length ? hosts.join(',') : '*', address,
      o.spec?.tls?.length ? '80, 443' : '80', since(o.metadata.creationTimestamp, now),
    ];
  },
};

export const networkPolicyPrinter: Printer = {
  columns: [col('Name'), col('Pod-Selector'), col('Age')],
  cells: (o, now) => [o.metadata.name, formatSelector(o.spec?.podSelector) === '<none>' ? '<none>' : formatSelector(o.spec?.podSelector), since(o.metadata.creationTimestamp, now)],
};
