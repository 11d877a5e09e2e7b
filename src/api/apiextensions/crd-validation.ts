// validateCustomResourceDefinition: upstream's apiextensions validation of a CRD on create and
// update. Upstream validates its internal form, which a v1 CRD converts to by hoisting what every
// version shares (schema, subresources, printer columns, selectable fields) to the top level — so
// errors of a single-version CRD's schema read `spec.validation.openAPIV3Schema...`. This file
// validates the same view and names fields the same way.
import { FieldError, fieldErrors } from '../errors.js';
import { dns1035Label, dns1123Subdomain } from '../validation/names.js';
import { validateObjectMeta, validateObjectMetaUpdate, immutable } from '../validation/object-meta.js';
import { validateWebhookService, validateWebhookURL } from '../validation/webhook-configurations.js';
import { normalizeFieldPath } from './cel-rules.js';
import { child, index } from './paths.js';
import { validateSchema } from './schema-validation.js';
import type { CustomResourceColumnDefinition, CustomResourceDefinition, CustomResourceDefinitionNames, CustomResourceSubresources, JSONSchemaProps } from './types.js';
import { jsonEqual } from './value-validation.js';

type Version = CustomResourceDefinition['spec']['versions'][number];

/** The internal view: shared per-version settings hoisted to the top. */
interface Internal {
  versions: Version[];
  validation?: JSONSchemaProps;
  subresources?: CustomResourceSubresources;
  columns?: CustomResourceColumnDefinition[];
  selectableFields?: { jsonPath: string }[];
}

function internalView(crd: CustomResourceDefinition): Internal {
  const versions = (crd.spec?.versions ?? []).map(v => ({ ...v }));
  const out: Internal = { versions };
  if (!versions.length) return out;
  const same = <T>(get: (v: Version) => T) => versions.every(v => jsonEqual(get(v), get(versions[0]!)));
  if (same(v => v.schema)) {
    out.validation = versions[0]!.schema?.openAPIV3Schema;
    for (const v of versions) delete v.schema;
  }
  if (same(v => v.subresources)) {
    out.subresources = versions[0]!.subresources;
    for (const v of versions) delete v.subresources;
  }
  if (same(v => v.additionalPrinterColumns ?? undefined)) {
    out.columns = versions[0]!.additionalPrinterColumns;
    for (const v of versions) delete v.additionalPrinterColumns;
  }
  if (same(v => v.selectableFields ?? undefined)) {
    out.selectableFields = versions[0]!.selectableFields;
    for (const v of versions) delete v.selectableFields;
  }
  return out;
}

const PRINTER_TYPES = ['boolean', 'date', 'integer', 'number', 'string'];
const COLUMN_FORMATS = ['byte', 'date', 'date-time', 'double', 'float', 'int32', 'int64', 'password'];
const CONVERSION_REVIEW_VERSIONS = ['v1', 'v1beta1'];
const MAX_SELECTABLE_FIELDS = 8;

export function validateNames(names: Partial<CustomResourceDefinitionNames> | undefined, path: string): FieldError[] {
  const n = names ?? {};
  const errs: FieldError[] = [];
  const label = (f: string, v: string | undefined) => {
    if (v) { const m = dns1035Label(v); if (m.length) errs.push(fieldErrors.invalid(child(path, f), v, m.join(','))); }
  };
  const mixed = (f: string, v: string | undefined) => {
    if (v) { const m = dns1035Label(v.toLowerCase()); if (m.length) errs.push(fieldErrors.invalid(child(path, f), v, `may have mixed case, but should otherwise match: ${m.join(',')}`)); }
  };
  label('plural', n.plural);
  label('singular', n.singular);
  mixed('kind', n.kind);
  mixed('listKind', n.listKind);
  (n.shortNames ?? []).forEach((s, i) => { const m = dns1035Label(s); if (m.length) errs.push(fieldErrors.invalid(index(child(path, 'shortNames'), i), s, m.join(','))); });
  if (n.kind && n.kind === n.listKind) errs.push(fieldErrors.invalid(child(path, 'listKind'), n.listKind, 'kind and listKind may not be the same'));
  (n.categories ?? []).forEach((s, i) => { const m = dns1035Label(s); if (m.length) errs.push(fieldErrors.invalid(index(child(path, 'categories'), i), s, m.join(','))); });
  return errs;
}

function simpleJSONPath(s: string, path: string): FieldError[] {
  if (!s) return [fieldErrors.invalid(path, s, 'must not be empty')];
  if (!s.startsWith('.')) return [fieldErrors.invalid(path, s, 'must be a simple json path starting with .')];
  return [];
}

function validateColumn(col: CustomResourceColumnDefinition, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!col.name) errs.push(fieldErrors.required(child(path, 'name')));
  if (!col.type) errs.push(fieldErrors.required(child(path, 'type'), `must be one of ${PRINTER_TYPES.join(',')}`));
  else if (!PRINTER_TYPES.includes(col.type)) errs.push(fieldErrors.invalid(child(path, 'type'), col.type, `must be one of ${PRINTER_TYPES.join(',')}`));
  if (col.format && !COLUMN_FORMATS.includes(col.format)) errs.push(fieldErrors.invalid(child(path, 'format'), col.format, `must be one of ${COLUMN_FORMATS.join(',')}`));
  if (!col.jsonPath) errs.push(fieldErrors.required(child(path, 'JSONPath')));
  else errs.push(...simpleJSONPath(col.jsonPath, child(path, 'JSONPath')));
  return errs;
}

function validateSubresources(sub: CustomResourceSubresources | undefined, path: string): FieldError[] {
  const scale = sub?.scale;
  if (!scale) return [];
  const errs: FieldError[] = [];
  const check = (v: string | undefined, f: string, prefixes: string[], where: string) => {
    const p = `${path}.scale.${f}`;
    const e = simpleJSONPath(v!, p);
    if (e.length) errs.push(...e);
    else if (!prefixes.some(x => v!.startsWith(x))) errs.push(fieldErrors.invalid(p, v, `should be a json path under ${where}`));
  };
  if (!scale.specReplicasPath) errs.push(fieldErrors.required(`${path}.scale.specReplicasPath`));
  else check(scale.specReplicasPath, 'specReplicasPath', ['.spec.'], '.spec');
  if (!scale.statusReplicasPath) errs.push(fieldErrors.required(`${path}.scale.statusReplicasPath`));
  else check(scale.statusReplicasPath, 'statusReplicasPath', ['.status.'], '.status');
  if (scale.labelSelectorPath) check(scale.labelSelectorPath, 'labelSelectorPath', ['.spec.', '.status.'], 'either .spec or .status');
  return errs;
}

function validateSelectableFields(fields: { jsonPath: string }[], schema: JSONSchemaProps, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const unique = new Set<string>();
  fields.forEach((f, i) => {
    const p = child(index(path, i), 'jsonPath');
    if (!f.jsonPath) {
      errs.push(fieldErrors.required(p));
      return;
    }
    const target = normalizeFieldPath(f.jsonPath, schema, false);
    const found = target === undefined ? undefined : schemaAt(schema, f.jsonPath);
    if (target === undefined) {
      errs.push(fieldErrors.invalid(p, f.jsonPath, 'is an invalid path: does not refer to a valid field'));
      return;
    }
    if (target.split(/[.[]/)[0] === 'metadata') errs.push(fieldErrors.invalid(p, f.jsonPath, 'must not point to fields in metadata'));
    if (!found || !['string', 'boolean', 'integer'].includes(found.type ?? '')) {
      errs.push(fieldErrors.invalid(p, f.jsonPath, 'must point to a field of type string, boolean or integer. Enum string fields and strings with formats are allowed.'));
    }
    if (unique.has(target)) errs.push(fieldErrors.duplicate(p, f.jsonPath));
    else unique.add(target);
  });
  if (unique.size > MAX_SELECTABLE_FIELDS) errs.push(new FieldError('FieldValueTooMany', path, `must have at most ${MAX_SELECTABLE_FIELDS} items`));
  return errs;
}

function schemaAt(schema: JSONSchemaProps, jsonPath: string): JSONSchemaProps | undefined {
  let s: JSONSchemaProps | undefined = schema;
  for (const part of jsonPath.split('.').slice(1)) {
    s = s?.properties?.[part] ?? (typeof s?.additionalProperties === 'object' ? s.additionalProperties : undefined);
  }
  return s;
}

function validateConversionReviewVersions(versions: string[] | undefined, requireRecognized: boolean, path: string): FieldError[] {
  if (!versions?.length) return [fieldErrors.required(path)];
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  versions.forEach((v, i) => {
    if (seen.has(v)) {
      errs.push(fieldErrors.invalid(index(path, i), v, 'duplicate version'));
      return;
    }
    seen.add(v);
    for (const m of dns1035Label(v)) errs.push(fieldErrors.invalid(index(path, i), v, m));
  });
  if (requireRecognized && !versions.some(v => CONVERSION_REVIEW_VERSIONS.includes(v))) {
    errs.push(fieldErrors.invalid(path, versions, `must include at least one of ${CONVERSION_REVIEW_VERSIONS.join(', ')}`));
  }
  return errs;
}

function validateConversion(crd: CustomResourceDefinition, requireRecognized: boolean): FieldError[] {
  const conversion = crd.spec.conversion;
  if (!conversion) return [];
  const path = 'spec.conversion';
  const errs: FieldError[] = [];
  const strategy = conversion.strategy;
  if (!strategy) errs.push(fieldErrors.required(`${path}.strategy`));
  else if (strategy !== 'None' && strategy !== 'Webhook') errs.push(fieldErrors.notSupported(`${path}.strategy`, strategy, ['None', 'Webhook']));
  const cc = conversion.webhook?.clientConfig;
  if (strategy === 'Webhook') {
    if (!cc) errs.push(fieldErrors.required(`${path}.webhookClientConfig`, 'required when strategy is set to Webhook'));
    else if ((cc.url === undefined) === (cc.service === undefined)) errs.push(fieldErrors.required(`${path}.webhookClientConfig`, 'exactly one of url or service is required'));
    else if (cc.url !== undefined) errs.push(...validateWebhookURL(`${path}.webhookClientConfig.url`, cc.url));
    else errs.push(...validateWebhookService(`${path}.webhookClientConfig.service`, cc.service!));
    errs.push(...validateConversionReviewVersions(conversion.webhook?.conversionReviewVersions, requireRecognized, `${path}.conversionReviewVersions`));
  } else {
    if (cc) errs.push(fieldErrors.forbidden(`${path}.webhookClientConfig`, 'should not be set when strategy is not set to Webhook'));
    if (conversion.webhook?.conversionReviewVersions?.length) errs.push(fieldErrors.forbidden(`${path}.conversionReviewVersions`, 'should not be set when strategy is not set to Webhook'));
  }
  return errs;
}

function validateDeprecationWarning(v: Version): string[] {
  const w = v.deprecationWarning;
  if (!v.deprecated && w !== undefined) return ['can only be set for deprecated versions'];
  if (w === undefined) return [];
  const out: string[] = [];
  if (Buffer.byteLength(w) > 256) out.push('must be <= 256 characters long');
  if (!w.length) out.push('must not be an empty string');
  let i = 0;
  for (const ch of w) {
    if (/\p{Cc}/u.test(ch)) { out.push(`must only contain printable UTF-8 characters; control character found at index ${i}`); break; }
    if (!/[\p{L}\p{M}\p{N}\p{P}\p{S} ]/u.test(ch)) { out.push(`must only contain printable UTF-8 characters; non-printable character found at index ${i}`); break; }
    i += Buffer.byteLength(ch);
  }
  return out;
}

const established = (crd: CustomResourceDefinition | undefined) => !!crd?.status?.conditions?.some(c => c.type === 'Established' && c.status === 'True');

function validateSpec(crd: CustomResourceDefinition, old: CustomResourceDefinition | undefined): FieldError[] {
  const spec = crd.spec ?? ({} as CustomResourceDefinition['spec']);
  const errs: FieldError[] = [];
  if (!spec.group) errs.push(fieldErrors.required('spec.group'));
  else {
    const m = dns1123Subdomain(spec.group);
    if (m.length) errs.push(fieldErrors.invalid('spec.group', spec.group, m.join(',')));
    else if (spec.group.split('.').length < 2) errs.push(fieldErrors.invalid('spec.group', spec.group, 'should be a domain with at least one dot'));
  }
  if (!spec.scope) errs.push(fieldErrors.required('spec.scope'));
  else if (spec.scope !== 'Cluster' && spec.scope !== 'Namespaced') errs.push(fieldErrors.notSupported('spec.scope', spec.scope, ['Cluster', 'Namespaced']));

  const view = internalView(crd);
  const requireStructural = !spec.preserveUnknownFields || !oldHasNonStructural(old);
  if (!view.validation) {
    view.versions.forEach((v, i) => {
      if (!v.schema?.openAPIV3Schema && (!old || oldSpecifiesAllSchemas(old))) errs.push(fieldErrors.required(`spec.versions[${i}].schema.openAPIV3Schema`, 'schemas are required'));
    });
  }
  const statusFor = (v: Version) => !!(view.subresources ?? v.subresources)?.status;
  let storage = 0;
  const names = new Set<string>();
  let unique = true;
  view.versions.forEach((v, i) => {
    const vp = `spec.versions[${i}]`;
    if (v.storage) storage++;
    if (names.has(v.name)) unique = false;
    names.add(v.name);
    const m = dns1035Label(v.name ?? '');
    if (m.length) errs.push(fieldErrors.invalid(`${vp}.name`, v.name, m.join(',')));
    for (const w of validateDeprecationWarning(v)) errs.push(fieldErrors.invalid(`${vp}.deprecationWarning`, v.deprecationWarning, w));
    if (v.schema?.openAPIV3Schema) errs.push(...validateSchema(v.schema.openAPIV3Schema, `${vp}.schema`, { statusEnabled: statusFor(v), requireStructural }));
    errs.push(...validateSubresources(v.subresources, `${vp}.subresources`));
    (v.additionalPrinterColumns ?? []).forEach((c, j) => errs.push(...validateColumn(c, `${vp}.additionalPrinterColumns[${j}]`)));
    if (v.selectableFields?.length) {
      if (!v.schema?.openAPIV3Schema) errs.push(fieldErrors.invalid(`${vp}.selectableFields`, '', 'selectableFields may only be set when version.schema.openAPIV3Schema is not included'));
      else errs.push(...validateSelectableFields(v.selectableFields, v.schema.openAPIV3Schema, `${vp}.selectableFields`));
    }
  });
  if (!unique) errs.push(fieldErrors.invalid('spec.versions', spec.versions, 'must contain unique version names'));
  if (storage !== 1) errs.push(fieldErrors.invalid('spec.versions', spec.versions, 'must have exactly one version marked as storage version'));

  const n = spec.names ?? ({} as CustomResourceDefinitionNames);
  if (!n.plural) errs.push(fieldErrors.required('spec.names.plural'));
  if (!n.singular) errs.push(fieldErrors.required('spec.names.singular'));
  if (!n.kind) errs.push(fieldErrors.required('spec.names.kind'));
  if (!n.listKind) errs.push(fieldErrors.required('spec.names.listKind'));
  errs.push(...validateNames(n, 'spec.names'));

  if (view.validation) {
    const anyStatus = !!view.subresources?.status || view.versions.some(v => !!v.subresources?.status);
    errs.push(...validateSchema(view.validation, 'spec.validation', { statusEnabled: anyStatus, requireStructural }));
  }
  errs.push(...validateSubresources(view.subresources, 'spec.subresources'));
  (view.columns ?? []).forEach((c, j) => errs.push(...validateColumn(c, `spec.additionalPrinterColumns[${j}]`)));
  if (view.selectableFields?.length) {
    if (!view.validation) errs.push(fieldErrors.invalid('spec.selectableFields', '', 'selectableFields may only be set when validations.schema is included'));
    else errs.push(...validateSelectableFields(view.selectableFields, view.validation, 'spec.selectableFields'));
  }
  if (spec.conversion && spec.conversion.strategy !== 'None' && spec.preserveUnknownFields) {
    errs.push(fieldErrors.invalid('spec.conversion.strategy', spec.conversion.strategy, 'must be None if spec.preserveUnknownFields is true'));
  }
  const oldReviewVersions = old?.spec.conversion?.webhook?.conversionReviewVersions;
  const requireRecognized = !old || !oldReviewVersions?.length || oldReviewVersions.some(v => CONVERSION_REVIEW_VERSIONS.includes(v));
  errs.push(...validateConversion(crd, requireRecognized));
  return errs;
}

function oldHasNonStructural(old: CustomResourceDefinition | undefined): boolean {
  return !!old?.spec.preserveUnknownFields;
}

function oldSpecifiesAllSchemas(old: CustomResourceDefinition): boolean {
  return (old.spec.versions ?? []).every(v => !!v.schema?.openAPIV3Schema);
}

function validateStoredVersions(crd: CustomResourceDefinition): FieldError[] {
  const stored = crd.status?.storedVersions ?? [];
  const path = 'status.storedVersions';
  if (!stored.length) return [fieldErrors.invalid(path, stored, 'must have at least one stored version')];
  const errs: FieldError[] = [];
  const remaining = new Map(stored.map((v, i) => [v, i]));
  for (const v of crd.spec.versions ?? []) {
    if (v.storage && !remaining.has(v.name)) errs.push(fieldErrors.invalid(path, stored, `must have the storage version ${v.name}`));
    remaining.delete(v.name);
  }
  for (const [v, i] of remaining) errs.push(fieldErrors.invalid(index(path, i), v, 'must appear in spec.versions'));
  return errs;
}

/** Groups under k8s.io / kubernetes.io need the api-approved.kubernetes.io annotation. */
function validateAPIApproval(crd: CustomResourceDefinition, old: CustomResourceDefinition | undefined): FieldError[] {
  const group = crd.spec.group ?? '';
  const isProtected = ['k8s.io', 'kubernetes.io'].some(d => group === d || group.endsWith(`.${d}`));
  if (!isProtected) return [];
  const ANNOTATION = 'api-approved.kubernetes.io';
  const state = (c: CustomResourceDefinition) => {
    const v = c.metadata?.annotations?.[ANNOTATION];
    if (v === undefined) return 'missing';
    if (v.startsWith('unapproved')) return 'bypassed';
    try {
      const u = new URL(v);
      return u.protocol === 'http:' || u.protocol === 'https:' ? 'approved' : 'invalid';
    } catch {
      return 'invalid';
    }
  };
  const now = state(crd);
  if (old && state(old) === now) return [];
  const path = `metadata.annotations[${ANNOTATION}]`;
  if (now === 'missing') return [fieldErrors.required(path, `protected groups must have approval annotation "${ANNOTATION}", see https://github.com/kubernetes/enhancements/pull/1111`)];
  if (now === 'invalid') return [fieldErrors.invalid(path, crd.metadata?.annotations?.[ANNOTATION], `protected groups must have approval annotation "${ANNOTATION}" with either a URL or a reason starting with "unapproved", see https://github.com/kubernetes/enhancements/pull/1111`)];
  return [];
}

/** Upstream's ValidateCustomResourceDefinition (create) and ValidateCustomResourceDefinitionUpdate (update). */
export function validateCustomResourceDefinition(crd: CustomResourceDefinition, old?: CustomResourceDefinition): FieldError[] {
  const required = `${crd.spec?.names?.plural ?? ''}.${crd.spec?.group ?? ''}`;
  const errs: FieldError[] = old
    ? validateObjectMetaUpdate(crd.metadata, old.metadata)
    : validateObjectMeta(crd.metadata, false, name => [...dns1123Subdomain(name), ...(name !== required ? ['must be spec.names.plural+"."+spec.group'] : [])]);
  errs.push(...validateSpec(crd, old));
  if (old) {
    if (established(old)) {
      if (crd.spec.scope !== old.spec.scope) errs.push(immutable('spec.scope', crd.spec.scope));
      if (crd.spec.names?.kind !== old.spec.names?.kind) errs.push(immutable('spec.names.kind', crd.spec.names?.kind));
    }
    if (crd.spec.group !== old.spec.group) errs.push(immutable('spec.group', crd.spec.group));
    if (crd.spec.names?.plural !== old.spec.names?.plural) errs.push(immutable('spec.names.plural', crd.spec.names?.plural));
  }
  errs.push(...validateNames(crd.status?.acceptedNames, 'status.acceptedNames'));
  if (old || crd.status?.storedVersions) errs.push(...validateStoredVersions(crd));
  errs.push(...validateAPIApproval(crd, old));
  if (crd.spec.preserveUnknownFields && !old?.spec.preserveUnknownFields) {
    errs.push(fieldErrors.invalid('spec.preserveUnknownFields', true, 'cannot set to true, set x-kubernetes-preserve-unknown-fields to true in spec.versions[*].schema instead'));
  }
  return errs;
}
