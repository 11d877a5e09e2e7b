// What is special about one resource. The generic store does everything else; a strategy only
// supplies the differences (defaults, validation, status handling, graceful deletion, ...).
import type { Defaulter } from '../../api/defaults/types.js';
import type { DeleteOptions, KubeObject } from '../../api/object.js';
import type { KindRules } from '../../api/validation/types.js';
import type { RequestContext } from '../context.js';
import type { FieldGetter } from '../../api/selectors/field-selector.js';
import { clone } from '../patch/json.js';
import { setKey } from '../../util/data-keys.js';

export interface ResourceStrategy {
  /** Resets fields a client may not set on create (e.g. status). Runs before defaults. */
  prepareForCreate?(obj: KubeObject, ctx: RequestContext): void | Promise<void>;
  /** Carries over fields a main-resource update may not change (e.g. status). */
  prepareForUpdate?(obj: KubeObject, old: KubeObject, ctx: RequestContext): void | Promise<void>;
  /**
   * Writable subresources (`status`, namespaces' `finalize`): each keeps everything from the old
   * object except what that subresource owns. `status` defaults to keepAllButStatus.
   */
  subresourceUpdates?: Record<string, (obj: KubeObject, old: KubeObject) => void>;
  /** The kind's defaults (upstream's SetDefaults_X), applied after prepare and before admission. */
  defaults?: Defaulter;
  /** The kind's validation beyond ObjectMeta: name format, ValidateX, ValidateXUpdate. */
  rules?: KindRules;
  /** Warnings a valid new object earns (deprecated fields...), sent back as `Warning` headers. */
  warningsOnCreate?(obj: KubeObject): string[];
  /** The same for an update of the main resource. */
  warningsOnUpdate?(obj: KubeObject, old: KubeObject): string[];
  /** Selectable fields beyond metadata.name / metadata.namespace. */
  fieldSelectors?: Record<string, FieldGetter>;
  /** Whether PUT of a missing object creates it. */
  allowCreateOnUpdate?: boolean;
  /** metadata.generation counts spec changes. */
  tracksGeneration?: boolean;
  /**
   * Seconds to wait before removing the object (graceful deletion), 0 to remove now.
   * Called only when the object is not already terminating.
   */
  gracePeriodSeconds?(obj: KubeObject, options: DeleteOptions): number;
  /** Marks an object whose deletion was requested (e.g. a namespace's phase becomes Terminating). */
  prepareForDeletion?(obj: KubeObject): void;
  /** True while something besides metadata.finalizers holds the object (e.g. namespace spec.finalizers). */
  deletionBlocked?(obj: KubeObject): boolean;
  /** Delete responses carry the deleted object instead of a Success Status. */
  returnDeletedObject?: boolean;
  /** Runs after the object is gone (e.g. releases allocated IPs). */
  afterDelete?(obj: KubeObject): void;
}

/** Default for resources with a status subresource: status is written only through `/status`. */
export function statusSplitStrategy(extra: ResourceStrategy = {}): ResourceStrategy {
  return {
    prepareForCreate(obj) {
      delete obj.status;
    },
    prepareForUpdate(obj, old) {
      if (old.status === undefined) delete obj.status; else obj.status = old.status;
    },
    ...extra,
  };
}

/** Status subresource writes change only status (metadata stays the old object's). */
export function keepAllButStatus(obj: KubeObject, old: KubeObject): void {
  const status = obj.status;
  for (const k of Object.keys(obj)) delete obj[k];
  const copy = clone(old);
  for (const k of Object.keys(copy)) setKey(obj, k, copy[k]);
  if (status === undefined) delete obj.status; else obj.status = status;
}
