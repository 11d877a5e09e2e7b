// Per-request facts every stage of the pipeline may need.

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
}

export function systemContext(username = 'system:apiserver'): RequestContext {
  return { user: { username, groups: ['system:masters'] }, userAgent: 'k8ts', dryRun: false, fieldValidation: 'Ignore', warnings: [] };
}
