// rbac.authorization.k8s.io/v1 RoleBindings and ClusterRoleBindings. Roles and ClusterRoles have no
// printer upstream and get the default NAME / CREATED AT table.
import { ageCol, col, nameCol } from './columns.js';
import { since } from './duration.js';
import type { Obj, Printer, TableColumnDefinition } from './types.js';

/** Subjects split by kind; service accounts print as namespace/name. */
function subjects(o: Obj): { users: string[]; groups: string[]; serviceAccounts: string[] } {
  const out = { users: [] as string[], groups: [] as string[], serviceAccounts: [] as string[] };
  for (const s of (o.subjects ?? []) as Obj[]) {
    if (s.kind === 'User') out.users.push(s.name ?? '');
    else if (s.kind === 'Group') out.groups.push(s.name ?? '');
    else if (s.kind === 'ServiceAccount') out.serviceAccounts.push(`${s.namespace ?? ''}/${s.name ?? ''}`);
  }
  return out;
}

function bindingColumns(what: string): TableColumnDefinition[] {
  return [
    nameCol(),
    col('Role', 'RoleRef can reference a Role in the current namespace or a ClusterRole in the global namespace.'),
    ageCol(),
    col('Users', `Users in the ${what}`, { wide: true }),
    col('Groups', `Groups in the ${what}`, { wide: true }),
    col('ServiceAccounts', `ServiceAccounts in the ${what}`, { wide: true }),
  ];
}

function bindingCells(o: Obj, now: Date): string[] {
  const s = subjects(o);
  return [
    o.metadata?.name ?? '', `${o.roleRef?.kind ?? ''}/${o.roleRef?.name ?? ''}`, since(o.metadata?.creationTimestamp, now),
    s.users.join(', '), s.groups.join(', '), s.serviceAccounts.join(', '),
  ];
}

export const roleBindingPrinter: Printer = { columns: bindingColumns('roleBinding'), cells: bindingCells };
export const clusterRoleBindingPrinter: Printer = { columns: bindingColumns('clusterRoleBinding'), cells: bindingCells };
