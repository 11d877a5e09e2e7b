// Custom resources (upstream apiextensions-apiserver pkg/registry/customresource): everything
// special about one served version of a CRD — the compiled schema prunes, defaults and validates
// writes; status and scale subresources as the CRD declares them; printer columns; selectable
// fields; the deprecation warning; and reads converted from the storage version (`None`
// conversion: only apiVersion changes) and defaulted, as upstream defaults on read.
import type { CompiledCustomResourceSchema } from '../../../api/apiextensions/index.js';
import type { VersionCodec } from '../../../api/conversion/index.js';
import { JsonPath } from '../../../api/jsonpath.js';
import type { KubeObject } from '../../../api/object.js';
import { definitionName } from '../../../api/openapi-custom-resources.js';
import { OpenApiSpec, type SchemaObject } from '../../../api/schema.js';
import type { FieldGetter } from '../../../api/selectors/field-selector.js';
import type { CustomResourceDefinition, CustomResourceDefinitionVersion } from '../../../api/types/generated.js';
import { clone } from '../../patch/json.js';
import { customResourcePrinter } from '../../tables/custom-resources.js';
import type { StoreConversion } from '../store-conversion.js';
import type { ResourceStrategy, ScaleAccess } from '../strategy.js';

/** Upstream refuses strategic merge patch for custom resources (they carry no patch metadata). */
const PATCH_TYPES = ['application/json-patch+json', 'application/merge-patch+json', 'application/apply-patch+yaml'];

export function customResourceStrategy(crd: CustomResourceDefinition, version: CustomResourceDefinitionVersion, schema: CompiledCustomResourceSchema): ResourceStrategy {
  const hasStatus = !!version.subresources?.status;
  const strategy: ResourceStrategy = {
    tracksGeneration: true,
    generationCountsStatus: !hasStatus,
    patchTypes: PATCH_TYPES,
    openApi: patchSpec(crd, version, schema),
    prepareForCreate(obj) {
      if (hasStatus) delete obj.status;
    },
    prepareForUpdate(obj, old) {
      if (!hasStatus) return;
      if (old.status === undefined) delete obj.status; else obj.status = old.status;
    },
    defaults(obj) {
      schema.prune(obj);
      schema.applyDefaults(obj);
    },
    rules: { validate: (obj, old) => schema.validate(obj, old) },
    fieldSelectors: selectableFields(version),
    printer: customResourcePrinter(version.additionalPrinterColumns),
  };
  if (version.deprecated) {
    strategy.requestWarning = version.deprecationWarning ?? `${crd.spec.group}/${version.name} ${crd.spec.names.kind} is deprecated`;
  }
  const scale = version.subresources?.scale;
  if (scale) strategy.scale = scaleAccess(scale.specReplicasPath, scale.statusReplicasPath, scale.labelSelectorPath);
  return strategy;
}

/** Stored objects (at whatever version they were written) read at `version`, defaulted by its schema. */
export function customResourceCodec(crd: CustomResourceDefinition, version: string, storageVersion: string, schema: CompiledCustomResourceSchema): VersionCodec {
  const apiVersion = `${crd.spec.group}/${version}`;
  const storageApiVersion = `${crd.spec.group}/${storageVersion}`;
  return {
    fromStorage(obj) {
      obj.apiVersion = apiVersion;
      schema.applyDefaults(obj);
      return obj;
    },
    toStorage(obj) {
      return version === storageVersion ? obj : { ...obj, apiVersion: storageApiVersion };
    },
    storesAsIs: version === storageVersion,
  };
}

/**
 * `None` conversion for a version that reads the storage version's watch cache (objects at the
 * storage version, defaulted). Each object read is given to `codec` (this version's) as a copy; when
 * this version's schema is the storage version's, the object is already pruned of nulls and
 * defaulted as this version would do it, and only apiVersion changes (the rest is shared with the
 * cached object, which nothing writes in place).
 */
export function noneStoreConversion(codec: VersionCodec, apiVersion: string, sameSchemaAsStorage: boolean): StoreConversion {
  const toVersion = sameSchemaAsStorage
    ? (stored: KubeObject): KubeObject => ({ ...stored, apiVersion, metadata: { ...stored.metadata } })
    : (stored: KubeObject): KubeObject => codec.fromStorage(clone(stored));
  return {
    toVersion: async stored => toVersion(stored),
    toVersionList: async stored => stored.map(toVersion),
    toStorage: async obj => codec.toStorage(obj),
  };
}

/** `selectableFields` (JSONPaths) as field-selector labels without the leading dot, as upstream names them. */
function selectableFields(version: CustomResourceDefinitionVersion): Record<string, FieldGetter> {
  const out: Record<string, FieldGetter> = {};
  for (const f of version.selectableFields ?? []) {
    const path = JsonPath.parse(f.jsonPath);
    out[f.jsonPath.replace(/^\./, '')] = obj => {
      const v = path.find(obj)[0];
      return v === undefined || v === null ? undefined : String(v);
    };
  }
  return out;
}

function scaleAccess(specPath: string, statusPath: string, selectorPath?: string): ScaleAccess {
  const spec = JsonPath.parse(specPath);
  const specFields = spec.fieldNames() ?? [];
  const status = JsonPath.parse(statusPath);
  const selector = selectorPath ? JsonPath.parse(selectorPath) : undefined;
  const int = (v: unknown) => (typeof v === 'number' && Number.isInteger(v) ? v : undefined);
  return {
    specReplicas: obj => int(spec.find(obj)[0]),
    statusReplicas: obj => int(status.find(obj)[0]),
    selector: obj => {
      const v = selector?.find(obj)[0];
      return typeof v === 'string' ? v : undefined;
    },
    setSpecReplicas(obj, replicas) {
      let at = obj as Record<string, unknown>;
      for (const f of specFields.slice(0, -1)) {
        if (typeof at[f] !== 'object' || at[f] === null) at[f] = {};
        at = at[f] as Record<string, unknown>;
      }
      at[specFields[specFields.length - 1]] = replicas;
    },
  };
}

/**
 * The spec server-side apply reads list and map types from: the shipped spec plus this version's
 * schema under its kind, with metadata described by ObjectMeta as for every other kind.
 */
function patchSpec(crd: CustomResourceDefinition, version: CustomResourceDefinitionVersion, schema: CompiledCustomResourceSchema): OpenApiSpec {
  const shared = OpenApiSpec.shared().doc;
  const own = clone(schema.openAPIV3() as KubeObject) as unknown as SchemaObject;
  own.properties = { ...own.properties, metadata: { $ref: '#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta' } };
  own['x-kubernetes-group-version-kind'] = [{ group: crd.spec.group, version: version.name, kind: crd.spec.names.kind }];
  const name = definitionName({ group: crd.spec.group, version: version.name }, crd.spec.names.kind);
  return new OpenApiSpec({ ...shared, paths: {}, definitions: { ...shared.definitions, [name]: own } });
}
