// PodSecurityConfiguration (pod-security.admission.config.k8s.io/v1), as upstream's admission
// configuration for the plugin: the defaults for unlabelled namespaces (each level privileged and
// each version latest when left out) and the exempt usernames, namespaces and runtime classes.
import { fieldErrors, type FieldError } from '../../../api/errors.js';
import { dns1123Label, dns1123Subdomain } from '../../../api/validation/names.js';
import { AdmissionConfigError } from '../admission-config.js';
import type { PodSecurityConfig } from './admission.js';
import { parseLevel, parseVersion, PolicyParseError, type LevelVersion } from './policy.js';

const API_VERSIONS = ['v1', 'v1beta1', 'v1alpha1'].map(v => `pod-security.admission.config.k8s.io/${v}`);

interface Document {
  apiVersion?: string;
  kind?: string;
  defaults?: Record<string, string>;
  exemptions?: { usernames?: string[]; namespaces?: string[]; runtimeClasses?: string[] };
}

/** The configuration a document gives, or upstream's default (all privileged, no exemptions) when there is none. */
export function podSecurityConfig(document: unknown): PodSecurityConfig {
  const doc = (document ?? { apiVersion: API_VERSIONS[0], kind: 'PodSecurityConfiguration' }) as Document;
  if (doc.kind !== 'PodSecurityConfiguration' || !API_VERSIONS.includes(String(doc.apiVersion))) {
    throw new AdmissionConfigError(`expected PodSecurityConfiguration of ${API_VERSIONS[0]}, got ${String(doc.kind)} ${String(doc.apiVersion)}`);
  }
  const errs: FieldError[] = [];
  const defaults = doc.defaults ?? {};
  const levelVersion = (mode: 'enforce' | 'warn' | 'audit'): LevelVersion => {
    const level = defaults[mode] || 'privileged';
    const version = defaults[`${mode}-version`] || 'latest';
    const lv: LevelVersion = { level: 'privileged', version: { latest: true } };
    try { lv.level = parseLevel(level); } catch (err) { errs.push(invalid(`defaults.${mode}`, level, err)); }
    try { lv.version = parseVersion(version); } catch (err) { errs.push(invalid(`defaults.${mode}-version`, version, err)); }
    return lv;
  };
  const enforce = levelVersion('enforce');
  const warn = levelVersion('warn');
  const audit = levelVersion('audit');
  const exemptions = doc.exemptions ?? {};
  const namespaces = names(exemptions.namespaces, 'exemptions.namespaces', dns1123Label, errs);
  const runtimeClasses = names(exemptions.runtimeClasses, 'exemptions.runtimeClasses', dns1123Subdomain, errs);
  const usernames = names(exemptions.usernames, 'exemptions.usernames', u => (u === '' ? ['username must not be empty'] : []), errs);
  if (errs.length) {
    const msgs = errs.map(e => e.toString());
    throw new AdmissionConfigError(`PodSecurity invalid: ${msgs.length === 1 ? msgs[0] : `[${msgs.join(', ')}]`}`);
  }
  return { defaults: { enforce, audit, warn }, exemptions: { usernames, namespaces, runtimeClasses } };
}

function invalid(field: string, value: string, err: unknown): FieldError {
  if (!(err instanceof PolicyParseError)) throw err;
  return fieldErrors.invalid(field, value, err.message);
}

/** The valid, distinct entries of an exemption list; an error for each other one. */
function names(list: string[] | undefined, path: string, check: (v: string) => string[], errs: FieldError[]): string[] {
  const seen = new Set<string>();
  (list ?? []).forEach((raw, i) => {
    const v = String(raw);
    const problems = check(v);
    if (problems.length) errs.push(fieldErrors.invalid(`${path}[${i}]`, v, problems.join(', ')));
    else if (seen.has(v)) errs.push(fieldErrors.duplicate(`${path}[${i}]`, v));
    else seen.add(v);
  });
  return [...seen];
}
