// Pod Security levels, versions and the namespace labels that choose them, as upstream's
// k8s.io/pod-security-admission/api: a namespace's policy is its enforce, audit and warn
// level:version, each defaulting to the admission configuration's defaults (privileged:latest).
import { fieldErrors, type FieldError } from '../../../api/errors.js';

export type Level = 'privileged' | 'baseline' | 'restricted';
const LEVELS: Level[] = ['privileged', 'baseline', 'restricted'];

/** `latest` or v1.<minor>; latest is newer than every numbered version. */
export type Version = { latest: true } | { latest: false; minor: number };
export const LATEST: Version = { latest: true };
export const v1 = (minor: number): Version => ({ latest: false, minor });

export interface LevelVersion { level: Level; version: Version }
export interface Policy { enforce: LevelVersion; audit: LevelVersion; warn: LevelVersion }

const PREFIX = 'pod-security.kubernetes.io/';
export const LABELS = {
  enforce: `${PREFIX}enforce`, enforceVersion: `${PREFIX}enforce-version`,
  audit: `${PREFIX}audit`, auditVersion: `${PREFIX}audit-version`,
  warn: `${PREFIX}warn`, warnVersion: `${PREFIX}warn-version`,
} as const;
/** Audit annotations are this prefix plus the plugin's key (audit-violations, enforce-policy, exempt, error). */
export const AUDIT_ANNOTATION_PREFIX = PREFIX;

export const versionString = (v: Version): string => (v.latest ? 'latest' : `v1.${v.minor}`);
export const levelVersionString = (lv: LevelVersion): string => `${lv.level}:${versionString(lv.version)}`;
export const sameLevelVersion = (a: LevelVersion, b: LevelVersion): boolean => a.level === b.level && versionString(a.version) === versionString(b.version);

/** True if a is older than b. */
export function older(a: Version, b: Version): boolean {
  if (a.latest) return false;
  if (b.latest) return true;
  return a.minor < b.minor;
}

export class PolicyParseError extends Error {}

export function parseLevel(text: string): Level {
  if ((LEVELS as string[]).includes(text)) return text as Level;
  throw new PolicyParseError(`must be one of ${LEVELS.join(', ')}`);
}

export function parseVersion(text: string): Version {
  if (text === 'latest') return LATEST;
  const m = /^v1\.([0-9]|[1-9][0-9]*)$/.exec(text);
  if (!m || !Number.isSafeInteger(Number(m[1]))) throw new PolicyParseError('must be "latest" or "v1.x"');
  return v1(Number(m[1]));
}

/** -1, 0 or 1 as a is less, as or more strict than b. */
export function compareLevels(a: Level, b: Level): number {
  return Math.sign(LEVELS.indexOf(a) - LEVELS.indexOf(b));
}

export const PRIVILEGED_LATEST: LevelVersion = { level: 'privileged', version: LATEST };
export const ALL_PRIVILEGED: Policy = { enforce: PRIVILEGED_LATEST, audit: PRIVILEGED_LATEST, warn: PRIVILEGED_LATEST };

/**
 * The policy a namespace's labels ask for, over the defaults, with a field error per bad label.
 * As upstream: a bad enforce level enforces restricted (fail closed), a bad audit or warn level is
 * privileged (fail open), a bad version is latest; warn follows a stricter enforce level unless set.
 */
export function policyToEvaluate(labels: Record<string, string> | undefined, defaults: Policy): { policy: Policy; errors: FieldError[] } {
  const p: Policy = { enforce: { ...defaults.enforce }, audit: { ...defaults.audit }, warn: { ...defaults.warn } };
  const errors: FieldError[] = [];
  if (!labels || !Object.keys(labels).length) return { policy: p, errors };
  const has = (k: string) => Object.prototype.hasOwnProperty.call(labels, k);
  const parse = <T>(key: string, fn: (s: string) => T, onError: T): T => {
    try {
      return fn(labels[key]);
    } catch (err) {
      if (!(err instanceof PolicyParseError)) throw err;
      errors.push(fieldErrors.invalid(`metadata.labels[${key}]`, labels[key], err.message));
      return onError;
    }
  };
  let enforceLevelValid = false;
  if (has(LABELS.enforce)) {
    const before = errors.length;
    p.enforce.level = parse(LABELS.enforce, parseLevel, 'restricted');
    enforceLevelValid = errors.length === before;
  }
  if (has(LABELS.enforceVersion)) p.enforce.version = parse(LABELS.enforceVersion, parseVersion, LATEST);
  if (has(LABELS.audit)) p.audit.level = parse(LABELS.audit, parseLevel, 'privileged');
  if (has(LABELS.auditVersion)) p.audit.version = parse(LABELS.auditVersion, parseVersion, LATEST);
  if (has(LABELS.warn)) p.warn.level = parse(LABELS.warn, parseLevel, 'privileged');
  if (has(LABELS.warnVersion)) p.warn.version = parse(LABELS.warnVersion, parseVersion, LATEST);
  if (!has(LABELS.warn) && enforceLevelValid && compareLevels(p.enforce.level, p.warn.level) > 0) {
    p.warn.level = p.enforce.level;
    if (!has(LABELS.warnVersion)) p.warn.version = p.enforce.version;
  }
  return { policy: p, errors };
}
