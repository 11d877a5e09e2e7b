// CustomResourceDefinitions (upstream apiextensions-apiserver pkg/registry/customresourcedefinition):
// status only through /status; the storage version is recorded in status.storedVersions on every
// write; upstream's defaults; apiextensions validation; and deletion held by the cleanup finalizer
// (added with a Terminating condition on the first delete) until every custom resource is gone.
import { validateCustomResourceDefinition } from '../../../api/apiextensions/index.js';
import { setCondition } from '../../../api/conditions.js';
import { CUSTOM_RESOURCE_CLEANUP_FINALIZER, storageVersionOf } from '../../../api/custom-resources.js';
import type { KubeObject } from '../../../api/object.js';
import type { CustomResourceDefinition, CustomResourceDefinitionStatus } from '../../../api/types/generated.js';
import { statusSplitStrategy, type ResourceStrategy } from '../strategy.js';

type Crd = CustomResourceDefinition & KubeObject;

export const customResourceDefinitionStrategy: ResourceStrategy = statusSplitStrategy({
  tracksGeneration: true,
  prepareForCreate(obj) {
    const crd = obj as Crd;
    // Upstream's initial status: empty accepted names, the storage version recorded.
    crd.status = { acceptedNames: { kind: '', plural: '' }, storedVersions: [] };
    recordStorageVersion(crd);
  },
  prepareForUpdate(obj, old) {
    obj.status = old.status;
    recordStorageVersion(obj as Crd);
  },
  defaults(obj) {
    defaultCustomResourceDefinition(obj as Crd);
  },
  rules: {
    validate: (obj, old) => validateCustomResourceDefinition(obj as CustomResourceDefinition, old as CustomResourceDefinition | undefined),
  },
  prepareForDeletion(obj) {
    const crd = obj as Crd;
    const finalizers = crd.metadata.finalizers ?? [];
    if (finalizers.includes(CUSTOM_RESOURCE_CLEANUP_FINALIZER)) return;
    crd.metadata.finalizers = [...finalizers, CUSTOM_RESOURCE_CLEANUP_FINALIZER];
    const status: CustomResourceDefinitionStatus = crd.status ?? {};
    status.conditions = setCondition(status.conditions, {
      type: 'Terminating', status: 'True', reason: 'InstanceDeletionPending',
      message: 'CustomResourceDefinition marked for deletion; CustomResource deletion will begin soon',
    });
    crd.status = status;
  },
  deletionBlocked: obj => !!obj.metadata.finalizers?.includes(CUSTOM_RESOURCE_CLEANUP_FINALIZER),
});

function recordStorageVersion(crd: Crd): void {
  const storage = storageVersionOf(crd);
  if (!storage) return;
  crd.status ??= {};
  const stored = crd.status.storedVersions ?? [];
  if (!stored.includes(storage)) crd.status.storedVersions = [...stored, storage];
}

/** Upstream's SetDefaults for apiextensions.k8s.io/v1 CRDs. */
function defaultCustomResourceDefinition(crd: Crd): void {
  const spec = crd.spec;
  if (!spec || typeof spec !== 'object') return;
  const names = spec.names;
  if (names?.kind) {
    names.singular ||= names.kind.toLowerCase();
    names.listKind ||= `${names.kind}List`;
  }
  spec.conversion ??= { strategy: 'None' };
  const service = spec.conversion.webhook?.clientConfig?.service;
  if (service) service.port ??= 443;
}
