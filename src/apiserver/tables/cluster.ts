// Cluster-level and housekeeping kinds: Namespaces, Leases, PriorityClasses, RuntimeClasses,
// CertificateSigningRequests, ResourceQuotas and ComponentStatuses.
import { ageCol, col, nameCol } from './columns.js';
import { humanDuration, since } from './duration.js';
import { quantity } from './format.js';
import type { Obj, Printer } from './types.js';

const name = (o: Obj): string => o.metadata?.name ?? '';
const age = (o: Obj, now: Date): string => since(o.metadata?.creationTimestamp, now);

export const namespacePrinter: Printer = {
  columns: [nameCol(), col('Status', 'The status of the namespace'), ageCol()],
  cells: (o, now) => [name(o), o.status?.phase ?? '', age(o, now)],
};

export const leasePrinter: Printer = {
  columns: [nameCol(), col('Holder', 'holderIdentity contains the identity of the holder of a current lease.'), ageCol()],
  cells: (o, now) => [name(o), o.spec?.holderIdentity ?? '', age(o, now)],
};

// PreemptionPolicy is a default-priority column even though upstream only fills it when wide,
// which the server always is.
export const priorityClassPrinter: Printer = {
  columns: [
    nameCol(),
    col('Value', 'value represents the integer value of this priority class.', { type: 'integer' }),
    col('Global-Default', 'globalDefault specifies whether this PriorityClass should be considered as the default priority for pods that do not have any priority class.', { type: 'boolean' }),
    ageCol(),
    col('PreemptionPolicy', 'preemptionPolicy is the Policy for preempting pods with lower priority.'),
  ],
  cells: (o, now) => [name(o), o.value ?? 0, o.globalDefault ?? false, age(o, now), o.preemptionPolicy ?? ''],
};

export const runtimeClassPrinter: Printer = {
  columns: [nameCol(), col('Handler', 'handler specifies the underlying runtime and configuration that the CRI implementation will use.'), ageCol()],
  cells: (o, now) => [name(o), o.handler ?? '', age(o, now)],
};

/** "Approved,Issued", "Denied", "Pending,Failed"...: the decision, then failure and issuance. */
function csrCondition(o: Obj): string {
  const types = new Set(((o.status?.conditions ?? []) as Obj[]).map(c => c.type));
  let status = types.has('Denied') ? 'Denied' : types.has('Approved') ? 'Approved' : 'Pending';
  if (types.has('Failed')) status += ',Failed';
  if (o.status?.certificate) status += ',Issued';
  return status;
}

export const certificateSigningRequestPrinter: Printer = {
  columns: [
    nameCol(),
    ageCol(),
    col('SignerName', 'Requested signer for the request.'),
    col('Requestor', 'Name of the user that created the request.'),
    col('RequestedDuration', 'expirationSeconds is the requested duration of validity of the issued certificate.'),
    col('Condition', 'Conditions applied to the request, such as approval or denial.'),
  ],
  cells(o, now) {
    const seconds = o.spec?.expirationSeconds;
    const requested = seconds === undefined || seconds === null ? '<none>' : humanDuration(seconds * 1000);
    return [name(o), age(o, now), o.spec?.signerName || '<none>', o.spec?.username ?? '', requested, csrCondition(o)];
  },
};

/** "resource: used/hard" pairs sorted by resource; `limits.*` go to the Limit column. */
function quotaColumns(o: Obj): [string, string] {
  const hard: Record<string, unknown> = o.status?.hard ?? {};
  const used: Record<string, unknown> = o.status?.used ?? {};
  const requests: string[] = [];
  const limits: string[] = [];
  for (const resource of Object.keys(hard).sort()) {
    const text = `${resource}: ${quantity(used[resource])}/${quantity(hard[resource])}`;
    (resource.startsWith('limits.') ? limits : requests).push(text);
  }
  return [requests.join(', '), limits.join(', ')];
}

export const resourceQuotaPrinter: Printer = {
  columns: [
    nameCol(),
    col('Request', 'Request represents a minimum amount of cpu/memory that a container may consume.'),
    col('Limit', 'Limits control the maximum amount of cpu/memory that a container may use independent of contention on the node.'),
    ageCol(),
  ],
  cells: (o, now) => [name(o), ...quotaColumns(o), age(o, now)],
};

export const componentStatusPrinter: Printer = {
  columns: [
    nameCol(),
    col('Status', 'Status of the component conditions'),
    col('Message', 'Message of the component conditions'),
    col('Error', 'Error of the component conditions'),
  ],
  cells(o) {
    const healthy = ((o.conditions ?? []) as Obj[]).find(c => c.type === 'Healthy');
    const status = !healthy ? 'Unknown' : healthy.status === 'True' ? 'Healthy' : 'Unhealthy';
    return [name(o), status, healthy?.message ?? '', healthy?.error ?? ''];
  },
};
