// Per-request facts every stage of the pipeline may need.
import type { Authorizer } from './auth/authorizer.js';

export interface UserInfo {
  username: string;
  uid?: string;
  groups: string[];
  extra?: Record<string, string[]>;
}

export type FieldValidation = 'Strict' | 'Warn' | 'Ignore';

export interface RequestContext {
  user: UserInfo;
  userAgent: string;
  dryRun: boolean;
  fieldManager?: string;
  fieldValidation: FieldValidation;
  /** Warnings returned to the client in `Warning: 299 - "..."` headers. */
  warnings: string[];
  /** Annotations admission adds to this request's audit event (e.g. PodSecurity's audit-violations). */
  auditAnnotations?: Record<string, string>;
  /** The server's authorizer, for checks made while serving (RBAC's escalate and bind, as upstream's RBAC storage asks it). */
  authorizer?: Authorizer;
}

export function systemContext(username = 'system:apiserver'): RequestContext {
  return { user: { username, groups: ['system:masters'] }, userAgent: 'k8ts', dryRun: false, fieldValidation: 'Ignore', warnings: [] };
}
