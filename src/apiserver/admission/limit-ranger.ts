// LimitRanger, as upstream's plugin/pkg/admission/limitranger: the LimitRanges of a namespace
// - default a new pod's container and init container limits (`default`) and requests
//   (`defaultRequest`), noting what they set in the kubernetes.io/limit-ranger annotation;
// - reject a new pod whose containers (type Container) or whose total (type Pod) fall outside
//   min/max or exceed maxLimitRequestRatio, and a PersistentVolumeClaim (create or update) whose
//   storage request is outside min/max (type PersistentVolumeClaim), with upstream's messages.
// Pods are not checked on update (their resources cannot change), nor objects being deleted.
import { ForbiddenError } from '../../api/errors.js';
import type { KubeObject } from '../../api/object.js';
import { addQuantities, compareQuantities, formatQuantity, milliValue, parseQuantity, scaledValue, type Quantity } from '../../api/quantity.js';
import type { Container, LimitRangeSpec, PersistentVolumeClaimSpec, PodSpec } from '../../api/types/generated.js';
import { namespacePrefix } from '../registry/keys.js';
import type { Registry } from '../registry/registry.js';
import type { AdmissionAttributes, AdmissionPlugin } from './types.js';

export const LIMIT_RANGER_ANNOTATION = 'kubernetes.io/limit-ranger';

type LimitRange = KubeObject & { spec?: LimitRangeSpec };
type Pod = KubeObject & { spec: PodSpec };
type Claim = KubeObject & { spec?: PersistentVolumeClaimSpec };
/** A parsed resource list: name → quantity, in the order the object lists them. */
type Resources = Map<string, Quantity>;

/** Values up to this (int64 max / 1000) are compared in milli-units, as upstream's resource.MaxMilliValue. */
const MAX_MILLI_VALUE = 9223372036854775n;

const parseList = (list: Record<string, string | number> | undefined | null): Resources =>
  new Map(Object.entries(list ?? {}).map(([k, v]) => [k, parseQuantity(v)]));
const show = (q: Quantity): string => formatQuantity(q);
const ZERO: Quantity = { digits: 0n, scale: 0, format: 'DecimalSI' };

/** The observed and enforced values at one precision: milli-units when none would overflow. */
function comparable(request: Quantity | undefined, limit: Quantity | undefined, enforced: Quantity): [bigint, bigint, bigint] {
  const values = [request ?? ZERO, limit ?? ZERO, enforced];
  const precise = values.every(q => scaledValue(q) <= MAX_MILLI_VALUE);
  const [r, l, e] = values.map(q => (precise ? milliValue(q) : scaledValue(q)));
  return [r, l, e];
}

function minConstraint(type: string, name: string, enforced: Quantity, requests: Resources, limits: Resources): string | undefined {
  const req = requests.get(name);
  const lim = limits.get(name);
  const [r, l, e] = comparable(req, lim, enforced);
  if (!req) return `minimum ${name} usage per ${type} is ${show(enforced)}.  No request is specified`;
  if (r < e) return `minimum ${name} usage per ${type} is ${show(enforced)}, but request is ${show(req)}`;
  if (lim && l < e) return `minimum ${name} usage per ${type} is ${show(enforced)}, but limit is ${show(lim)}`;
  return undefined;
}

function maxConstraint(type: string, name: string, enforced: Quantity, requests: Resources, limits: Resources): string | undefined {
  const req = requests.get(name);
  const lim = limits.get(name);
  const [r, l, e] = comparable(req, lim, enforced);
  if (!lim) return `maximum ${name} usage per ${type} is ${show(enforced)}.  No limit is specified`;
  if (l > e) return `maximum ${name} usage per ${type} is ${show(enforced)}, but limit is ${show(lim)}`;
  if (req && r > e) return `maximum ${name} usage per ${type} is ${show(enforced)}, but request is ${show(req)}`;
  return undefined;
}

/** For claims, whose limits are not user input: only the request is held to the maximum. */
function maxRequestConstraint(type: string, name: string, enforced: Quantity, requests: Resources): string | undefined {
  const req = requests.get(name);
  const [r, , e] = comparable(req, undefined, enforced);
  if (!req) return `maximum ${name} usage per ${type} is ${show(enforced)}.  No request is specified`;
  if (r > e) return `maximum ${name} usage per ${type} is ${show(enforced)}, but request is ${show(req)}`;
  return undefined;
}

function limitRequestRatioConstraint(type: string, name: string, enforced: Quantity, requests: Resources, limits: Resources): string | undefined {
  const req = requests.get(name);
  const lim = limits.get(name);
  const [r, l] = comparable(req, lim, enforced);
  if (!req || r === 0n) return `${name} max limit to request ratio per ${type} is ${show(enforced)}, but no request is specified or request is 0`;
  if (!lim || l === 0n) return `${name} max limit to request ratio per ${type} is ${show(enforced)}, but no limit is specified or limit is 0`;
  const ratio = Number(l) / Number(r);
  const precise = scaledValue(enforced) <= MAX_MILLI_VALUE;
  const observed = precise ? ratio * 1000 : ratio;
  const max = Number(precise ? milliValue(enforced) : scaledValue(enforced));
  if (observed > max) return `${name} max limit to request ratio per ${type} is ${show(enforced)}, but provided ratio is ${ratio.toFixed(6)}`;
  return undefined;
}

/** Sets the defaults of one LimitRange on a pod's containers and notes what it set in the annotation. */
export function defaultPodResources(limitRange: LimitRange, pod: Pod): void {
  // Maps, not objects: resource names are data, whatever they spell.
  const limits = new Map<string, string | number>();
  const requests = new Map<string, string | number>();
  for (const item of limitRange.spec?.limits ?? []) {
    if (item.type !== 'Container') continue;
    for (const [k, v] of Object.entries(item.defaultRequest ?? {})) requests.set(k, v);
    for (const [k, v] of Object.entries(item.default ?? {})) limits.set(k, v);
  }
  const notes: string[] = [];
  /** Sets the defaults a container's list lacks; returns their names, sorted. */
  const fill = (c: Container, field: 'limits' | 'requests', defaults: Map<string, string | number>): string[] => {
    const missing = [...defaults.keys()].filter(k => !Object.prototype.hasOwnProperty.call(c.resources?.[field] ?? {}, k)).sort();
    if (!missing.length) return missing;
    const list = ((c.resources ??= {})[field] ??= {});
    for (const k of missing) Object.defineProperty(list, k, { value: defaults.get(k), enumerable: true, writable: true, configurable: true });
    return missing;
  };
  const merge = (c: Container, kind: string) => {
    const setLimits = fill(c, 'limits', limits);
    const setRequests = fill(c, 'requests', requests);
    if (setRequests.length) notes.push(`${setRequests.join(', ')} request for ${kind} ${c.name}`);
    if (setLimits.length) notes.push(`${setLimits.join(', ')} limit for ${kind} ${c.name}`);
  };
  for (const c of pod.spec.containers ?? []) merge(c, 'container');
  for (const c of pod.spec.initContainers ?? []) merge(c, 'init container');
  if (notes.length) (pod.metadata.annotations ??= {})[LIMIT_RANGER_ANNOTATION] = `LimitRanger plugin set: ${notes.join('; ')}`;
}

type Sum = (into: Resources, add: Resources) => void;
const addInto: Sum = (into, add) => { for (const [k, q] of add) into.set(k, into.has(k) ? addQuantities(into.get(k)!, q) : q); };
const maxInto: Sum = (into, add) => { for (const [k, q] of add) if (!into.has(k) || compareQuantities(q, into.get(k)!) > 0) into.set(k, q); };

/**
 * A pod's effective requests or limits, as upstream's podRequests/podLimits: the containers' sum,
 * sidecars (restartable init containers) added, and at least what any init container needs
 * alongside the sidecars started before it.
 */
export function podTotal(spec: PodSpec, field: 'requests' | 'limits'): Resources {
  const total: Resources = new Map();
  for (const c of spec.containers ?? []) addInto(total, parseList(c.resources?.[field]));
  const sidecars: Resources = new Map();
  const initMax: Resources = new Map();
  for (const c of spec.initContainers ?? []) {
    const own = parseList(c.resources?.[field]);
    let needed: Resources;
    if (c.restartPolicy === 'Always') {
      addInto(total, own);
      addInto(sidecars, own);
      needed = sidecars;
    } else {
      needed = new Map();
      addInto(needed, own);
      addInto(needed, sidecars);
    }
    maxInto(initMax, needed);
  }
  maxInto(total, initMax);
  return total;
}

export function validatePodLimits(limitRange: LimitRange, spec: PodSpec): string[] {
  const errs: Array<string | undefined> = [];
  const check = (type: string, item: NonNullable<LimitRangeSpec['limits']>[number], requests: Resources, limits: Resources) => {
    for (const [k, v] of Object.entries(item.min ?? {})) errs.push(minConstraint(type, k, parseQuantity(v), requests, limits));
    for (const [k, v] of Object.entries(item.max ?? {})) errs.push(maxConstraint(type, k, parseQuantity(v), requests, limits));
    for (const [k, v] of Object.entries(item.maxLimitRequestRatio ?? {})) errs.push(limitRequestRatioConstraint(type, k, parseQuantity(v), requests, limits));
  };
  for (const item of limitRange.spec?.limits ?? []) {
    if (item.type === 'Container') {
      for (const c of [...(spec.containers ?? []), ...(spec.initContainers ?? [])]) check('Container', item, parseList(c.resources?.requests), parseList(c.resources?.limits));
    }
    if (item.type === 'Pod') check('Pod', item, podTotal(spec, 'requests'), podTotal(spec, 'limits'));
  }
  return errs.filter((e): e is string => !!e);
}

export function validateClaimLimits(limitRange: LimitRange, spec: PersistentVolumeClaimSpec): string[] {
  const errs: Array<string | undefined> = [];
  const requests = parseList(spec.resources?.requests);
  for (const item of limitRange.spec?.limits ?? []) {
    if (item.type !== 'PersistentVolumeClaim') continue;
    for (const [k, v] of Object.entries(item.min ?? {})) errs.push(minConstraint('PersistentVolumeClaim', k, parseQuantity(v), requests, new Map()));
    for (const [k, v] of Object.entries(item.max ?? {})) errs.push(maxRequestConstraint('PersistentVolumeClaim', k, parseQuantity(v), requests));
  }
  return errs.filter((e): e is string => !!e);
}

export function limitRanger(registry: () => Registry): AdmissionPlugin {
  return limitRangerFrom(namespace => {
    const store = registry().get('', 'limitranges');
    return store.cache.list(namespacePrefix(store.info, namespace)).map(e => e.object);
  });
}

/** The plugin over any source of a namespace's LimitRanges (the registry's cache in the server). */
export function limitRangerFrom(limitRanges: (namespace: string) => KubeObject[]): AdmissionPlugin {
  /** The LimitRanges that apply to this request, or none when upstream's plugin would not look. */
  function applicable(a: AdmissionAttributes): LimitRange[] {
    if (a.subresource || !a.object || (a.operation !== 'CREATE' && a.operation !== 'UPDATE') || a.resource.group !== '') return [];
    const pod = a.resource.resource === 'pods';
    if (!pod && a.resource.resource !== 'persistentvolumeclaims') return [];
    if (pod && a.operation === 'UPDATE') return [];
    if (a.oldObject?.metadata.deletionTimestamp) return [];
    return limitRanges(a.namespace) as LimitRange[];
  }
  const forbidden = (a: AdmissionAttributes, errs: string[]) => {
    const name = a.name || a.object?.metadata.name || a.object?.metadata.generateName || '';
    const why = errs.length === 1 ? errs[0] : `[${errs.join(', ')}]`;
    return new ForbiddenError(`${a.resource.resource} "${name}" is forbidden: ${why}`, { group: '', resource: a.resource.resource, name });
  };
  return {
    name: 'LimitRanger',
    admit(a: AdmissionAttributes): void {
      if (a.resource.resource !== 'pods') return;
      for (const lr of applicable(a)) defaultPodResources(lr, a.object as Pod);
    },
    validate(a: AdmissionAttributes): void {
      for (const lr of applicable(a)) {
        const errs = a.resource.resource === 'pods'
          ? validatePodLimits(lr, (a.object as Pod).spec ?? { containers: [] })
          : validateClaimLimits(lr, (a.object as Claim).spec ?? {});
        if (errs.length) throw forbidden(a, errs);
      }
    },
  };
}
