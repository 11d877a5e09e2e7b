// compileCustomResourceSchema: one version's schema made ready for serving custom resources —
// pruning, defaulting and validation (OpenAPI value checks, embedded resources, list-type
// uniqueness, CEL rules) — compiled once per CRD generation and used for every request.
import { FieldError, fieldErrors } from '../errors.js';
import { compileRuleTree, runRules, type RuleTree } from './cel-rules.js';
import { defaultObject } from './defaulting.js';
import { validateEmbeddedResources } from './embedded-resources.js';
import { validateListTypes } from './list-types.js';
import { prune } from './pruning.js';
import type { CustomResourceDefinition, JSONSchemaProps } from './types.js';
import { validateValue } from './value-validation.js';

/** How a list or map merges under server-side apply. */
export interface FieldTypeInfo {
  listType?: string;
  listMapKeys?: string[];
  mapType?: string;
}

export interface CompiledCustomResourceSchema {
  /** The version's openAPIV3Schema as given. */
  readonly schema: JSONSchemaProps;
  /** Drops fields the schema does not specify, in place (apiVersion, kind and metadata stay). */
  prune(obj: Record<string, unknown>): void;
  /** Applies schema defaults in place, as upstream's structural defaulting. */
  applyDefaults(obj: Record<string, unknown>): void;
  /** Every error of `obj` (with `old` on update): schema, embedded resources, list types, CEL rules. */
  validate(obj: Record<string, unknown>, old?: Record<string, unknown>): FieldError[];
  /** The schema as published in /openapi/v3 (apiVersion, kind and metadata added as upstream does). */
  openAPIV3(): Record<string, unknown>;
  /** x-kubernetes-list-type / list-map-keys / map-type of the field at `path` (indexes step into items). */
  fieldType(path: readonly (string | number)[]): FieldTypeInfo;
}

const OBJECT_META_REF = '#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta';

/** Upstream's hasBlockingErr: after these, CEL rules are not run. */
const BLOCKING = new Set(['FieldValueNotSupported', 'FieldValueTypeInvalid']);

class Compiled implements CompiledCustomResourceSchema {
  private readonly rules: RuleTree | undefined;

  constructor(readonly schema: JSONSchemaProps) {
    this.rules = compileRuleTree(schema, true);
  }

  prune(obj: Record<string, unknown>): void {
    prune(obj, this.schema, true);
  }

  applyDefaults(obj: Record<string, unknown>): void {
    defaultObject(obj, this.schema);
  }

  validate(obj: Record<string, unknown>, old?: Record<string, unknown>): FieldError[] {
    const errs = validateValue(this.schema, obj);
    errs.push(...validateEmbeddedResources(this.schema, obj));
    if (!old || !validateListTypes(this.schema, old).length) errs.push(...validateListTypes(this.schema, obj));
    if (this.rules) {
      if (errs.some(e => BLOCKING.has(e.type))) {
        errs.push(fieldErrors.invalid('<nil>', 'null', 'some validation rules were not checked because the object was invalid; correct the existing errors to complete validation'));
      } else {
        errs.push(...runRules(this.rules, obj, old));
      }
    }
    return errs;
  }

  openAPIV3(): Record<string, unknown> {
    const s = structuredClone(this.schema) as Record<string, unknown> & JSONSchemaProps;
    s.properties = {
      ...s.properties,
      apiVersion: { type: 'string', description: 'APIVersion defines the versioned schema of this representation of an object. Servers should convert recognized schemas to the latest internal value, and may reject unrecognized values. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#resources' },
      kind: { type: 'string', description: 'Kind is a string value representing the REST resource this object represents. Servers may infer this from the endpoint the client submits requests to. Cannot be updated. In CamelCase. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds' },
      metadata: { $ref: OBJECT_META_REF } as JSONSchemaProps,
    };
    return s;
  }

  fieldType(path: readonly (string | number)[]): FieldTypeInfo {
    let s: JSONSchemaProps | undefined = this.schema;
    for (const step of path) {
      if (!s) break;
      if (typeof step === 'number') s = !Array.isArray(s.items) ? s.items : undefined;
      else s = s.properties && Object.hasOwn(s.properties, step) ? s.properties[step] : typeof s.additionalProperties === 'object' ? s.additionalProperties : undefined;
    }
    if (!s) return {};
    const info: FieldTypeInfo = {};
    if (s['x-kubernetes-list-type']) info.listType = s['x-kubernetes-list-type'];
    if (s['x-kubernetes-list-map-keys']) info.listMapKeys = s['x-kubernetes-list-map-keys'];
    if (s['x-kubernetes-map-type']) info.mapType = s['x-kubernetes-map-type'];
    return info;
  }
}

/** Thrown when the CRD has no such version or the version has no schema. */
export class NoSchemaError extends Error {
  constructor(crdName: string, version: string) {
    super(`CustomResourceDefinition ${crdName} has no schema for version ${JSON.stringify(version)}`);
    this.name = 'NoSchemaError';
  }
}

/** Compiles `version`'s schema of a CRD that passed validateCustomResourceDefinition. */
export function compileCustomResourceSchema(crd: CustomResourceDefinition, version: string): CompiledCustomResourceSchema {
  const v = crd.spec.versions.find(x => x.name === version);
  const schema = v?.schema?.openAPIV3Schema;
  if (!schema) throw new NoSchemaError(crd.metadata?.name ?? '', version);
  return new Compiled(schema);
}
