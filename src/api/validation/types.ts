// The contract between the validation entry points and the per-kind rule files.
import type { FieldError } from '../errors.js';

export type Obj = Record<string, any>;

/** Returns upstream's messages for a name, [] when valid; `prefix` is set for generateName. */
export type NameValidator = (name: string) => string[];

export interface KindRules {
  /** How metadata.name must look; DNS-1123 subdomain when omitted. */
  name?: NameValidator;
  /** Checks an object on create and (with `old`) on update: upstream's ValidateX. */
  validate?(obj: Obj, old?: Obj): FieldError[];
  /** What an update may not change: upstream's ValidateXUpdate beyond ValidateX. */
  validateUpdate?(obj: Obj, old: Obj): FieldError[];
}
