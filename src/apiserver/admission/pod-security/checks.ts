// The Pod Security Standards checks of v1.32, as upstream's k8s.io/pod-security-admission/policy:
// each check has an id, the level it belongs to and versions (the first Kubernetes minor each
// behaviour applies from), and reports a reason and a detail with upstream's exact wording.
import type { Container, ObjectMeta, PodSpec, SecurityContext } from '../../../api/types/generated.js';
import type { Level } from './policy.js';

export interface CheckResult { allowed: boolean; reason?: string; detail?: string }
export type CheckPod = (meta: ObjectMeta, spec: PodSpec) => CheckResult;
export interface VersionedCheck { minimumMinor: number; check: CheckPod; overrides?: string[] }
export interface Check { id: string; level: Exclude<Level, 'privileged'>; versions: VersionedCheck[] }

const ALLOWED: CheckResult = { allowed: true };
const forbidden = (reason: string, detail: string): CheckResult => ({ allowed: false, reason, detail });

const joinQuote = (items: string[]): string => (items.length ? `"${items.join('", "')}"` : '');
const plural = (singular: string, pluralForm: string, n: number): string => (n === 1 ? singular : pluralForm);
const sortedSet = (s: Set<string>): string[] => [...s].sort();
/** Go's %q of a string (the annotations the checks quote). */
const goQuote = (s: string): string => JSON.stringify(s);
/** "container "a"" / "containers "a", "b"". */
const containersPhrase = (names: string[]): string => `${plural('container', 'containers', names.length)} ${joinQuote(names)}`;
const isWindows = (spec: PodSpec): boolean => spec.os?.name === 'windows';

/** Init containers, containers, then ephemeral containers, as upstream visits them. */
function containers(spec: PodSpec): Array<Pick<Container, 'name' | 'securityContext' | 'ports'>> {
  return [...(spec.initContainers ?? []), ...(spec.containers ?? []), ...(spec.ephemeralContainers ?? [])];
}
const sc = (c: { securityContext?: SecurityContext }): SecurityContext | undefined => c.securityContext ?? undefined;

// ---- baseline ----

const appArmorProfile: CheckPod = (meta, spec) => {
  const allowedType = (t: string) => t === 'RuntimeDefault' || t === 'Localhost';
  const allowedAnnotation = (v: string) => v === '' || v === 'runtime/default' || v.startsWith('localhost/');
  const setters: string[] = [];
  const badValues = new Set<string>();
  const podProfile = spec.securityContext?.appArmorProfile;
  if (podProfile && !allowedType(podProfile.type)) {
    setters.push('pod');
    badValues.add(podProfile.type);
  }
  const bad: string[] = [];
  for (const c of containers(spec)) {
    const profile = sc(c)?.appArmorProfile;
    if (profile && !allowedType(profile.type)) {
      bad.push(c.name);
      badValues.add(profile.type);
    }
  }
  if (bad.length) setters.push(containersPhrase(bad));
  const annotations = Object.entries(meta.annotations ?? {})
    .filter(([k, v]) => k.startsWith('container.apparmor.security.beta.kubernetes.io/') && !allowedAnnotation(v))
    .map(([k, v]) => `${k}=${goQuote(v)}`).sort();
  const values = [...sortedSet(badValues), ...annotations];
  if (annotations.length) setters.push(plural('annotation', 'annotations', annotations.length));
  if (!setters.length) return ALLOWED;
  return forbidden(plural('forbidden AppArmor profile', 'forbidden AppArmor profiles', values.length),
    `${setters.join(' and ')} must not set AppArmor profile type to ${joinQuote(values)}`);
};

const DEFAULT_CAPABILITIES = new Set(['AUDIT_WRITE', 'CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'MKNOD', 'NET_BIND_SERVICE', 'SETFCAP', 'SETGID', 'SETPCAP', 'SETUID', 'SYS_CHROOT']);

const capabilitiesBaseline: CheckPod = (_meta, spec) => {
  const bad: string[] = [];
  const caps = new Set<string>();
  for (const c of containers(spec)) {
    const added = (sc(c)?.capabilities?.add ?? []).filter(cap => !DEFAULT_CAPABILITIES.has(cap));
    if (!added.length) continue;
    bad.push(c.name);
    added.forEach(cap => caps.add(cap));
  }
  if (!bad.length) return ALLOWED;
  return forbidden('non-default capabilities', `${containersPhrase(bad)} must not include ${joinQuote(sortedSet(caps))} in securityContext.capabilities.add`);
};

const hostNamespaces: CheckPod = (_meta, spec) => {
  const found = [spec.hostNetwork && 'hostNetwork=true', spec.hostPID && 'hostPID=true', spec.hostIPC && 'hostIPC=true'].filter((s): s is string => !!s);
  return found.length ? forbidden('host namespaces', found.join(', ')) : ALLOWED;
};

const hostPathVolumes: CheckPod = (_meta, spec) => {
  const names = (spec.volumes ?? []).filter(v => v.hostPath).map(v => v.name);
  return names.length ? forbidden('hostPath volumes', `${plural('volume', 'volumes', names.length)} ${joinQuote(names)}`) : ALLOWED;
};

const hostPorts: CheckPod = (_meta, spec) => {
  const bad: string[] = [];
  const ports = new Set<string>();
  for (const c of containers(spec)) {
    const used = (c.ports ?? []).filter(p => p.hostPort);
    if (!used.length) continue;
    bad.push(c.name);
    used.forEach(p => ports.add(String(p.hostPort)));
  }
  if (!bad.length) return ALLOWED;
  return forbidden('hostPort', `${containersPhrase(bad)} ${plural('uses', 'use', bad.length)} ${plural('hostPort', 'hostPorts', ports.size)} ${sortedSet(ports).join(', ')}`);
};

const privileged: CheckPod = (_meta, spec) => {
  const bad = containers(spec).filter(c => sc(c)?.privileged === true).map(c => c.name);
  return bad.length ? forbidden('privileged', `${containersPhrase(bad)} must not set securityContext.privileged=true`) : ALLOWED;
};

const procMount: CheckPod = (_meta, spec) => {
  const bad: string[] = [];
  const types = new Set<string>();
  for (const c of containers(spec)) {
    const mount = sc(c)?.procMount;
    if (mount === undefined || mount === null || mount === 'Default') continue;
    bad.push(c.name);
    types.add(mount);
  }
  return bad.length ? forbidden('procMount', `${containersPhrase(bad)} must not set securityContext.procMount to ${joinQuote(sortedSet(types))}`) : ALLOWED;
};

function seLinuxOptions(allowedTypes: Set<string>): CheckPod {
  return (_meta, spec) => {
    const setters: string[] = [];
    const badTypes = new Set<string>();
    let setUser = false;
    let setRole = false;
    const valid = (o: { type?: string; user?: string; role?: string }) => {
      let ok = true;
      if (!allowedTypes.has(o.type ?? '')) { ok = false; badTypes.add(o.type ?? ''); }
      if (o.user) { ok = false; setUser = true; }
      if (o.role) { ok = false; setRole = true; }
      return ok;
    };
    const podOptions = spec.securityContext?.seLinuxOptions;
    if (podOptions && !valid(podOptions)) setters.push('pod');
    const bad = containers(spec).filter(c => { const o = sc(c)?.seLinuxOptions; return o ? !valid(o) : false; }).map(c => c.name);
    if (bad.length) setters.push(containersPhrase(bad));
    if (!setters.length) return ALLOWED;
    const data: string[] = [];
    if (badTypes.size) data.push(`${plural('type', 'types', badTypes.size)} ${joinQuote(sortedSet(badTypes))}`);
    if (setUser) data.push('user may not be set');
    if (setRole) data.push('role may not be set');
    return forbidden('seLinuxOptions', `${setters.join(' and ')} set forbidden securityContext.seLinuxOptions: ${data.join('; ')}`);
  };
}
const SELINUX_TYPES_1_0 = new Set(['', 'container_t', 'container_init_t', 'container_kvm_t']);
const SELINUX_TYPES_1_31 = new Set([...SELINUX_TYPES_1_0, 'container_engine_t']);

const validSeccompType = (t: string) => t === 'Localhost' || t === 'RuntimeDefault';
const validSeccompAnnotation = (v: string) => v === 'runtime/default' || v === 'docker/default' || v.startsWith('localhost/');

/** Before v1.19 seccomp was chosen by annotations. */
const seccompProfileBaseline_1_0: CheckPod = (meta, spec) => {
  const bad = new Set<string>();
  const annotations = meta.annotations ?? {};
  const consider = (key: string) => {
    if (Object.prototype.hasOwnProperty.call(annotations, key) && !validSeccompAnnotation(annotations[key])) bad.add(`${key}=${goQuote(annotations[key])}`);
  };
  consider('seccomp.security.alpha.kubernetes.io/pod');
  for (const c of containers(spec)) consider(`container.seccomp.security.alpha.kubernetes.io/${c.name}`);
  return bad.size ? forbidden('seccompProfile', `forbidden ${plural('annotation', 'annotations', bad.size)} ${sortedSet(bad).join(', ')}`) : ALLOWED;
};

/** The explicit bad seccomp settings, and the containers that set none (for restricted). */
function seccompFindings(spec: PodSpec): { setters: string[]; values: string[]; podSet: boolean; unset: string[] } {
  const setters: string[] = [];
  const values = new Set<string>();
  let podSet = false;
  const podProfile = spec.securityContext?.seccompProfile;
  if (podProfile) {
    if (!validSeccompType(podProfile.type)) { setters.push('pod'); values.add(podProfile.type); } else podSet = true;
  }
  const bad: string[] = [];
  const unset: string[] = [];
  for (const c of containers(spec)) {
    const profile = sc(c)?.seccompProfile;
    if (profile) {
      if (!validSeccompType(profile.type)) { bad.push(c.name); values.add(profile.type); }
    } else if (!podSet) unset.push(c.name);
  }
  if (bad.length) setters.push(containersPhrase(bad));
  return { setters, values: sortedSet(values), podSet, unset };
}

const seccompProfileBaseline_1_19: CheckPod = (_meta, spec) => {
  const { setters, values } = seccompFindings(spec);
  return setters.length ? forbidden('seccompProfile', `${setters.join(' and ')} must not set securityContext.seccompProfile.type to ${joinQuote(values)}`) : ALLOWED;
};

function sysctls(allowed: Set<string>): CheckPod {
  return (_meta, spec) => {
    const bad = (spec.securityContext?.sysctls ?? []).map(s => s.name).filter(n => !allowed.has(n));
    return bad.length ? forbidden('forbidden sysctls', bad.join(', ')) : ALLOWED;
  };
}
const SYSCTLS_1_0 = new Set(['kernel.shm_rmid_forced', 'net.ipv4.ip_local_port_range', 'net.ipv4.tcp_syncookies', 'net.ipv4.ping_group_range', 'net.ipv4.ip_unprivileged_port_start']);
const SYSCTLS_1_27 = new Set([...SYSCTLS_1_0, 'net.ipv4.ip_local_reserved_ports']);
const SYSCTLS_1_29 = new Set([...SYSCTLS_1_27, 'net.ipv4.tcp_keepalive_time', 'net.ipv4.tcp_fin_timeout', 'net.ipv4.tcp_keepalive_intvl', 'net.ipv4.tcp_keepalive_probes']);
const SYSCTLS_1_32 = new Set([...SYSCTLS_1_29, 'net.ipv4.tcp_rmem', 'net.ipv4.tcp_wmem']);

const windowsHostProcess: CheckPod = (_meta, spec) => {
  const setters: string[] = [];
  if (spec.securityContext?.windowsOptions?.hostProcess === true) setters.push('pod');
  const bad = containers(spec).filter(c => sc(c)?.windowsOptions?.hostProcess === true).map(c => c.name);
  if (bad.length) setters.push(containersPhrase(bad));
  return setters.length ? forbidden('hostProcess', `${setters.join(' and ')} must not set securityContext.windowsOptions.hostProcess=true`) : ALLOWED;
};

// ---- restricted ----

const allowPrivilegeEscalation_1_8: CheckPod = (_meta, spec) => {
  const bad = containers(spec).filter(c => sc(c)?.allowPrivilegeEscalation !== false).map(c => c.name);
  return bad.length ? forbidden('allowPrivilegeEscalation != false', `${containersPhrase(bad)} must set securityContext.allowPrivilegeEscalation=false`) : ALLOWED;
};

/** From v1.25 some Linux-only restricted checks do not apply to pods that say they run Windows. */
const exceptWindows = (check: CheckPod): CheckPod => (meta, spec) => (isWindows(spec) ? ALLOWED : check(meta, spec));

const capabilitiesRestricted_1_22: CheckPod = (_meta, spec) => {
  const missingDropAll: string[] = [];
  const adding: string[] = [];
  const caps = new Set<string>();
  for (const c of containers(spec)) {
    const capabilities = sc(c)?.capabilities;
    if (!capabilities) { missingDropAll.push(c.name); continue; }
    if (!(capabilities.drop ?? []).includes('ALL')) missingDropAll.push(c.name);
    const added = (capabilities.add ?? []).filter(cap => cap !== 'NET_BIND_SERVICE');
    if (added.length) { adding.push(c.name); added.forEach(cap => caps.add(cap)); }
  }
  const details: string[] = [];
  if (missingDropAll.length) details.push(`${containersPhrase(missingDropAll)} must set securityContext.capabilities.drop=["ALL"]`);
  if (adding.length) details.push(`${containersPhrase(adding)} must not include ${joinQuote(sortedSet(caps))} in securityContext.capabilities.add`);
  return details.length ? forbidden('unrestricted capabilities', details.join('; ')) : ALLOWED;
};

const ALLOWED_VOLUME_SOURCES = ['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'persistentVolumeClaim', 'projected', 'secret'] as const;
/** The restricted volume sources upstream names, in the order it tests them. */
const NAMED_RESTRICTED_SOURCES = ['hostPath', 'gcePersistentDisk', 'awsElasticBlockStore', 'gitRepo', 'nfs', 'iscsi', 'glusterfs', 'rbd', 'flexVolume', 'cinder', 'cephfs', 'flocker', 'fc', 'azureFile', 'vsphereVolume', 'quobyte', 'azureDisk', 'photonPersistentDisk', 'portworxVolume', 'scaleIO', 'storageos'] as const;

const restrictedVolumes: CheckPod = (_meta, spec) => {
  const bad: string[] = [];
  const types = new Set<string>();
  for (const v of spec.volumes ?? []) {
    const source = v as unknown as Record<string, unknown>;
    const present = (k: string) => source[k] !== undefined && source[k] !== null;
    if (ALLOWED_VOLUME_SOURCES.some(present)) continue;
    bad.push(v.name);
    types.add(NAMED_RESTRICTED_SOURCES.find(present) ?? 'unknown');
  }
  if (!bad.length) return ALLOWED;
  return forbidden('restricted volume types',
    `${plural('volume', 'volumes', bad.length)} ${joinQuote(bad)} ${plural('uses', 'use', bad.length)} ${plural('restricted volume type', 'restricted volume types', types.size)} ${joinQuote(sortedSet(types))}`);
};

const runAsNonRoot: CheckPod = (_meta, spec) => {
  const setters: string[] = [];
  let podNonRoot = false;
  const podValue = spec.securityContext?.runAsNonRoot;
  if (podValue !== undefined && podValue !== null) {
    if (!podValue) setters.push('pod'); else podNonRoot = true;
  }
  const explicit: string[] = [];
  const implicit: string[] = [];
  for (const c of containers(spec)) {
    const value = sc(c)?.runAsNonRoot;
    if (value !== undefined && value !== null) { if (!value) explicit.push(c.name); } else if (!podNonRoot) implicit.push(c.name);
  }
  if (explicit.length) setters.push(containersPhrase(explicit));
  if (setters.length) return forbidden('runAsNonRoot != true', `${setters.join(' and ')} must not set securityContext.runAsNonRoot=false`);
  if (implicit.length) return forbidden('runAsNonRoot != true', `pod or ${containersPhrase(implicit)} must set securityContext.runAsNonRoot=true`);
  return ALLOWED;
};

const runAsUser_1_23: CheckPod = (_meta, spec) => {
  const setters: string[] = [];
  if (spec.securityContext?.runAsUser === 0) setters.push('pod');
  const bad = containers(spec).filter(c => sc(c)?.runAsUser === 0).map(c => c.name);
  if (bad.length) setters.push(containersPhrase(bad));
  return setters.length ? forbidden('runAsUser=0', `${setters.join(' and ')} must not set runAsUser=0`) : ALLOWED;
};

const seccompProfileRestricted_1_19: CheckPod = (_meta, spec) => {
  const { setters, values, unset } = seccompFindings(spec);
  if (setters.length) return forbidden('seccompProfile', `${setters.join(' and ')} must not set securityContext.seccompProfile.type to ${joinQuote(values)}`);
  if (unset.length) return forbidden('seccompProfile', `pod or ${containersPhrase(unset)} must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost"`);
  return ALLOWED;
};

/** Every check of v1.32, as upstream's DefaultChecks(). */
export const CHECKS: Check[] = [
  { id: 'appArmorProfile', level: 'baseline', versions: [{ minimumMinor: 0, check: appArmorProfile }] },
  { id: 'capabilities_baseline', level: 'baseline', versions: [{ minimumMinor: 0, check: capabilitiesBaseline }] },
  { id: 'hostNamespaces', level: 'baseline', versions: [{ minimumMinor: 0, check: hostNamespaces }] },
  { id: 'hostPathVolumes', level: 'baseline', versions: [{ minimumMinor: 0, check: hostPathVolumes }] },
  { id: 'hostPorts', level: 'baseline', versions: [{ minimumMinor: 0, check: hostPorts }] },
  { id: 'privileged', level: 'baseline', versions: [{ minimumMinor: 0, check: privileged }] },
  { id: 'procMount', level: 'baseline', versions: [{ minimumMinor: 0, check: procMount }] },
  { id: 'seLinuxOptions', level: 'baseline', versions: [{ minimumMinor: 0, check: seLinuxOptions(SELINUX_TYPES_1_0) }, { minimumMinor: 31, check: seLinuxOptions(SELINUX_TYPES_1_31) }] },
  { id: 'seccompProfile_baseline', level: 'baseline', versions: [{ minimumMinor: 0, check: seccompProfileBaseline_1_0 }, { minimumMinor: 19, check: seccompProfileBaseline_1_19 }] },
  { id: 'sysctls', level: 'baseline', versions: [
    { minimumMinor: 0, check: sysctls(SYSCTLS_1_0) }, { minimumMinor: 27, check: sysctls(SYSCTLS_1_27) },
    { minimumMinor: 29, check: sysctls(SYSCTLS_1_29) }, { minimumMinor: 32, check: sysctls(SYSCTLS_1_32) }] },
  { id: 'windowsHostProcess', level: 'baseline', versions: [{ minimumMinor: 0, check: windowsHostProcess }] },
  { id: 'allowPrivilegeEscalation', level: 'restricted', versions: [{ minimumMinor: 8, check: allowPrivilegeEscalation_1_8 }, { minimumMinor: 25, check: exceptWindows(allowPrivilegeEscalation_1_8) }] },
  { id: 'capabilities_restricted', level: 'restricted', versions: [
    { minimumMinor: 22, check: capabilitiesRestricted_1_22, overrides: ['capabilities_baseline'] },
    { minimumMinor: 25, check: exceptWindows(capabilitiesRestricted_1_22), overrides: ['capabilities_baseline'] }] },
  { id: 'restrictedVolumes', level: 'restricted', versions: [{ minimumMinor: 0, check: restrictedVolumes, overrides: ['hostPathVolumes'] }] },
  { id: 'runAsNonRoot', level: 'restricted', versions: [{ minimumMinor: 0, check: runAsNonRoot }] },
  { id: 'runAsUser', level: 'restricted', versions: [{ minimumMinor: 23, check: runAsUser_1_23 }] },
  { id: 'seccompProfile_restricted', level: 'restricted', versions: [
    { minimumMinor: 19, check: seccompProfileRestricted_1_19, overrides: ['seccompProfile_baseline'] },
    { minimumMinor: 25, check: exceptWindows(seccompProfileRestricted_1_19), overrides: ['seccompProfile_baseline'] }] },
];
