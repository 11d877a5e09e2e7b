// Cluster-scoped core kinds: Namespaces and Nodes.
import { fieldErrors, type FieldError } from '../errors.js';
import { dns1123Label, isCIDR, qualifiedName, labelValue } from './names.js';
import type { KindRules, Obj } from './types.js';

const STANDARD_FINALIZERS = ['kubernetes', 'orphan', 'foregroundDeletion'];
const TAINT_EFFECTS = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'];

function validateNamespace(ns: Obj): FieldError[] {
  const errs: FieldError[] = [];
  for (const f of (ns.spec?.finalizers ?? []) as string[]) {
    const msgs = qualifiedName(f);
    for (const msg of msgs) errs.push(fieldErrors.invalid('spec.finalizers', f, msg));
    if (!msgs.length && !f.includes('/') && !STANDARD_FINALIZERS.includes(f)) {
      errs.push(fieldErrors.invalid('spec.finalizers', f, 'name is neither a standard finalizer name nor is it fully qualified'));
    }
  }
  return errs;
}

function validateNode(node: Obj): FieldError[] {
  const spec = node.spec ?? {};
  const errs: FieldError[] = [];
  const cidrs: string[] = spec.podCIDRs ?? (spec.podCIDR ? [spec.podCIDR] : []);
  cidrs.forEach((c, i) => {
    if (!isCIDR(c)) errs.push(fieldErrors.invalid(`spec.podCIDRs[${i}]`, c, 'must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)'));
  });
  if (cidrs.length > 2) errs.push(fieldErrors.invalid('spec.podCIDRs', cidrs, 'may specify no more than one CIDR for each IP family'));
  const seen = new Set<string>();
  ((spec.taints ?? []) as Obj[]).forEach((t, i) => {
    const p = `spec.taints[${i}]`;
    for (const msg of qualifiedName(String(t.key ?? ''))) errs.push(fieldErrors.invalid(`${p}.key`, t.key ?? '', msg));
    if (t.value) for (const msg of labelValue(t.value)) errs.push(fieldErrors.invalid(`${p}.value`, t.value, msg));
    if (!t.effect) errs.push(fieldErrors.required(`${p}.effect`));
    else if (!TAINT_EFFECTS.includes(t.effect)) errs.push(fieldErrors.notSupported(`${p}.effect`, t.effect, TAINT_EFFECTS));
    const key = `${t.key}:${t.effect}`;
    if (seen.has(key)) errs.push(fieldErrors.duplicate(p, `taints must be unique by key and effect pair`));
    seen.add(key);
  });
  return errs;
}

/** Pod CIDRs and the provider ID are set once, by whoever registers the node. */
function validateNodeUpdate(node: Obj, old: Obj): FieldError[] {
  const errs: FieldError[] = [];
  const a = node.spec ?? {};
  const b = old.spec ?? {};
  if (b.podCIDRs?.length && JSON.stringify(a.podCIDRs ?? []) !== JSON.stringify(b.podCIDRs)) {
    errs.push(fieldErrors.forbidden('spec.podCIDRs', 'node updates may not change podCIDR except from "" to valid'));
  }
  if (b.providerID && a.providerID !== b.providerID) {
    errs.push(fieldErrors.forbidden('spec.providerID', 'node updates may not change providerID except from "" to valid'));
  }
  return errs;
}

export const clusterRules: Record<string, KindRules> = {
  Namespace: { name: dns1123Label, validate: validateNamespace },
  Node: { validate: validateNode, validateUpdate: validateNodeUpdate },
};
