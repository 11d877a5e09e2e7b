// Nodes: STATUS from the Ready condition plus SchedulingDisabled, ROLES from role labels, and the
// wide address and system-info columns.
import { ageCol, col, nameCol } from './columns.js';
import { since } from './duration.js';
import type { Obj, Printer } from './types.js';

const ROLE_PREFIX = 'node-role.kubernetes.io/';
const LEGACY_ROLE_LABEL = 'kubernetes.io/role';

/** "Ready" or "NotReady" (any status but True, Unknown included); "Unknown" without a Ready condition. */
function nodeStatus(o: Obj): string {
  const ready = ((o.status?.conditions ?? []) as Obj[]).filter(c => c.type === 'Ready').pop();
  const parts = [!ready ? 'Unknown' : ready.status === 'True' ? 'Ready' : 'NotReady'];
  if (o.spec?.unschedulable) parts.push('SchedulingDisabled');
  return parts.join(',');
}

/** Roles from `node-role.kubernetes.io/<role>` keys and the legacy `kubernetes.io/role=<role>` label. */
function nodeRoles(o: Obj): string {
  const roles = new Set<string>();
  for (const [k, v] of Object.entries((o.metadata?.labels ?? {}) as Record<string, string>)) {
    if (k.startsWith(ROLE_PREFIX)) {
      if (k.length > ROLE_PREFIX.length) roles.add(k.slice(ROLE_PREFIX.length));
    } else if (k === LEGACY_ROLE_LABEL && v) roles.add(v);
  }
  return roles.size ? [...roles].sort().join(',') : '<none>';
}

const address = (o: Obj, type: string): string => ((o.status?.addresses ?? []) as Obj[]).find(a => a.type === type)?.address ?? '<none>';

export const nodePrinter: Printer = {
  columns: [
    nameCol(),
    col('Status', 'The status of the node'),
    col('Roles', 'The roles of the node'),
    ageCol(),
    col('Version', 'Kubelet Version reported by the node.'),
    col('Internal-IP', 'List of addresses reachable to the node.', { wide: true }),
    col('External-IP', 'List of addresses reachable to the node.', { wide: true }),
    col('OS-Image', 'OS Image reported by the node from /etc/os-release (e.g. Debian GNU/Linux 7 (wheezy)).', { wide: true }),
    col('Kernel-Version', "Kernel Version reported by the node from 'uname -r' (e.g. 3.16.0-0.bpo.4-amd64).", { wide: true }),
    col('Container-Runtime', 'ContainerRuntime Version reported by the node through runtime remote API (e.g. containerd://1.4.2).', { wide: true }),
  ],
  cells(o, now) {
    const info: Obj = o.status?.nodeInfo ?? {};
    return [
      o.metadata?.name ?? '', nodeStatus(o), nodeRoles(o), since(o.metadata?.creationTimestamp, now), info.kubeletVersion ?? '',
      address(o, 'InternalIP'), address(o, 'ExternalIP'), info.osImage || '<unknown>', info.kernelVersion || '<unknown>',
      info.containerRuntimeVersion || '<unknown>',
    ];
  },
};
