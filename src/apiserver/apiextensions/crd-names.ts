// What upstream's naming and establishing controllers decide for one CRD, as a pure function of it
// and the other CRDs of its group: which requested names it may have (a name another CRD of the
// group has accepted is refused with a *Conflict reason and the old accepted name kept), the
// NamesAccepted condition, and Established once the names are accepted (it never goes back).
import { findCondition } from '../../api/conditions.js';
import type {
  CustomResourceDefinition, CustomResourceDefinitionCondition, CustomResourceDefinitionNames,
} from '../../api/types/generated.js';

export interface NamesDecision {
  acceptedNames: CustomResourceDefinitionNames;
  namesAccepted: CustomResourceDefinitionCondition;
  established: CustomResourceDefinitionCondition;
}

export function decideNames(crd: CustomResourceDefinition, all: CustomResourceDefinition[]): NamesDecision {
  const resources = new Set<string>();
  const kinds = new Set<string>();
  for (const other of all) {
    if (other.spec.group !== crd.spec.group || other.metadata?.name === crd.metadata?.name) continue;
    const n = other.status?.acceptedNames;
    if (!n) continue;
    for (const r of [n.plural, n.singular, ...(n.shortNames ?? [])]) if (r) resources.add(r);
    for (const k of [n.kind, n.listKind]) if (k) kinds.add(k);
  }
  const requested = crd.spec.names;
  const accepted: CustomResourceDefinitionNames = crd.status?.acceptedNames ?? { kind: '', plural: '' };
  const next: CustomResourceDefinitionNames = { ...accepted };
  let conflict: { reason: string; message: string } | undefined;
  const refuse = (reason: string, message: string) => { conflict = { reason, message }; };

  const plural = inUse(requested.plural, accepted.plural, resources);
  if (plural) refuse('PluralConflict', plural); else next.plural = requested.plural;
  const singular = inUse(requested.singular, accepted.singular, resources);
  if (singular) refuse('SingularConflict', singular); else next.singular = requested.singular;
  const ownShort = new Set(accepted.shortNames ?? []);
  const shortErrors = (requested.shortNames ?? []).filter(s => !ownShort.has(s)).map(s => inUse(s, '', resources)).filter((e): e is string => !!e);
  if (shortErrors.length) refuse('ShortNamesConflict', shortErrors.length === 1 ? shortErrors[0] : `[${shortErrors.join(', ')}]`);
  else next.shortNames = requested.shortNames;
  const kind = inUse(requested.kind, accepted.kind, kinds);
  if (kind) refuse('KindConflict', kind); else next.kind = requested.kind;
  const listKind = inUse(requested.listKind, accepted.listKind, kinds);
  if (listKind) refuse('ListKindConflict', listKind); else next.listKind = requested.listKind;
  next.categories = requested.categories;
  for (const k of Object.keys(next) as (keyof CustomResourceDefinitionNames)[]) if (next[k] === undefined) delete next[k];

  const namesAccepted: CustomResourceDefinitionCondition = conflict
    ? { type: 'NamesAccepted', status: 'False', ...conflict }
    : { type: 'NamesAccepted', status: 'True', reason: 'NoConflicts', message: 'no conflicts found' };
  let established = findCondition(crd.status?.conditions, 'Established')
    ?? { type: 'Established', status: 'False', reason: 'NotAccepted', message: 'not all names are accepted' };
  if (established.status !== 'True' && namesAccepted.status === 'True') {
    established = { type: 'Established', status: 'True', reason: 'InitialNamesAccepted', message: 'the initial names have been accepted' };
  }
  return { acceptedNames: next, namesAccepted, established };
}

/** Upstream's equalToAcceptedOrFresh: the name this CRD already has, or one nobody else has. */
function inUse(requested: string | undefined, accepted: string | undefined, used: Set<string>): string | undefined {
  if (requested === accepted || !requested || !used.has(requested)) return undefined;
  return `"${requested}" is already in use`;
}
