// Pod spec checks (ValidatePodSpec in pkg/apis/core/validation): volumes, every container list,
// policies, scheduling fields. Pods and all pod templates use it.
import { fieldErrors, type FieldError } from '../errors.js';
import { validateContainer, enumField, type ContainerContext, type ContainerKind } from './container.js';
import { invalidGo } from './go-value.js';
import { dns1123Label, dns1123Subdomain, isIPv4, isIPv6, labelValue, qualifiedName } from './names.js';
import { validateLabels } from './object-meta.js';
import { validateClaimTemplate } from './storage.js';
import type { Obj } from './types.js';

const RESTART_POLICIES = ['Always', 'OnFailure', 'Never'];
const DNS_POLICIES = ['ClusterFirst', 'ClusterFirstWithHostNet', 'Default', 'None'];
const TAINT_EFFECTS = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'];
const HOST_PATH_TYPES = ['', 'DirectoryOrCreate', 'Directory', 'FileOrCreate', 'File', 'Socket', 'CharDevice', 'BlockDevice'];
const MAX_INT32 = 2147483647;
const MAX_FILE_MODE = 0o777;

// Upstream's order of VolumeSource members: the second one present is the one reported.
const VOLUME_SOURCES = [
  'hostPath', 'emptyDir', 'gitRepo', 'gcePersistentDisk', 'awsElasticBlockStore', 'secret', 'nfs', 'iscsi', 'glusterfs',
  'flocker', 'persistentVolumeClaim', 'rbd', 'cinder', 'cephfs', 'quobyte', 'downwardAPI', 'fc', 'azureFile', 'configMap',
  'vsphereVolume', 'photonPersistentDisk', 'projected', 'portworxVolume', 'azureDisk', 'scaleIO', 'storageos', 'csi', 'ephemeral', 'image',
];

export function validatePodSpec(spec: Obj | undefined, path: string): FieldError[] {
  if (!spec || typeof spec !== 'object') return [fieldErrors.required(path)];
  const errs: FieldError[] = [];
  const ctx: ContainerContext = { names: new Set(), volumes: new Set() };
  errs.push(...validateVolumes(spec.volumes ?? [], `${path}.volumes`, ctx.volumes));
  if (!Array.isArray(spec.containers) || !spec.containers.length) errs.push(fieldErrors.required(`${path}.containers`));
  const lists: [string, ContainerKind][] = [['containers', 'regular'], ['initContainers', 'init'], ['ephemeralContainers', 'ephemeral']];
  for (const [field, kind] of lists) {
    for (const [i, c] of ((spec[field] ?? []) as Obj[]).entries()) errs.push(...validateContainer(c ?? {}, `${path}.${field}[${i}]`, kind, ctx));
  }
  errs.push(...enumField(spec.restartPolicy, `${path}.restartPolicy`, RESTART_POLICIES));
  errs.push(...enumField(spec.dnsPolicy, `${path}.dnsPolicy`, DNS_POLICIES));
  errs.push(...validatePodDnsConfig(spec.dnsConfig, spec.dnsPolicy, `${path}.dnsConfig`));
  errs.push(...validateLabels(spec.nodeSelector, `${path}.nodeSelector`));
  for (const f of ['serviceAccountName', 'nodeName', 'priorityClassName']) {
    if (spec[f]) for (const msg of dns1123Subdomain(spec[f])) errs.push(fieldErrors.invalid(`${path}.${f}`, spec[f], msg));
  }
  for (const f of ['hostname', 'subdomain']) {
    if (spec[f]) for (const msg of dns1123Label(spec[f])) errs.push(fieldErrors.invalid(`${path}.${f}`, spec[f], msg));
  }
  if (spec.activeDeadlineSeconds !== undefined && !(spec.activeDeadlineSeconds >= 1 && spec.activeDeadlineSeconds <= MAX_INT32)) {
    errs.push(fieldErrors.invalid(`${path}.activeDeadlineSeconds`, spec.activeDeadlineSeconds, `must be between 1 and ${MAX_INT32}, inclusive`));
  }
  errs.push(...validateTolerations(spec.tolerations ?? [], `${path}.tolerations`));
  return errs;
}

// Resolver limits (1.32, ExpandedDNSConfig GA: glibc reads 3 nameservers); the kubelet cuts the
// pod's merged config to the same.
export const MAX_DNS_NAMESERVERS = 3;
export const MAX_DNS_SEARCH_PATHS = 32;
export const MAX_DNS_SEARCH_LIST_CHARS = 2048;

const goStrings = (values: string[]) => `[]string{${values.map(v => JSON.stringify(v)).join(', ')}}`;

/** validatePodDNSConfig: None needs nameservers; at most 3 IPs, 32 search domains of 2048 characters, named options. */
function validatePodDnsConfig(config: Obj | undefined, policy: string | undefined, path: string): FieldError[] {
  if (policy === 'None') {
    if (!config) return [fieldErrors.required(path, 'must provide `dnsConfig` when `dnsPolicy` is None')];
    if (!config.nameservers?.length) return [fieldErrors.required(`${path}.nameservers`, 'must provide at least one DNS nameserver when `dnsPolicy` is None')];
  }
  if (!config) return [];
  const errs: FieldError[] = [];
  const nameservers: string[] = config.nameservers ?? [];
  if (nameservers.length > MAX_DNS_NAMESERVERS) errs.push(invalidGo(`${path}.nameservers`, goStrings(nameservers), `must not have more than ${MAX_DNS_NAMESERVERS} nameservers`, nameservers));
  nameservers.forEach((ns, i) => {
    if (!isIPv4(ns) && !isIPv6(ns)) errs.push(fieldErrors.invalid(`${path}.nameservers[${i}]`, ns, 'must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)'));
  });
  const searches: string[] = config.searches ?? [];
  if (searches.length > MAX_DNS_SEARCH_PATHS) errs.push(invalidGo(`${path}.searches`, goStrings(searches), `must not have more than ${MAX_DNS_SEARCH_PATHS} search paths`, searches));
  if (searches.join(' ').length > MAX_DNS_SEARCH_LIST_CHARS) {
    errs.push(invalidGo(`${path}.searches`, goStrings(searches), `must not have more than ${MAX_DNS_SEARCH_LIST_CHARS} characters (including spaces) in the search list`, searches));
  }
  searches.forEach((search, i) => {
    // A trailing dot is fine.
    const name = search.replace(/\.$/, '');
    for (const msg of dns1123Subdomain(name)) errs.push(fieldErrors.invalid(`${path}.searches[${i}]`, name, msg));
  });
  ((config.options ?? []) as Obj[]).forEach((op, i) => {
    if (!op?.name) errs.push(fieldErrors.required(`${path}.options[${i}]`, 'must not be empty'));
  });
  return errs;
}

function validateVolumes(volumes: Obj[], path: string, names: Set<string>): FieldError[] {
  const errs: FieldError[] = [];
  volumes.forEach((v, i) => {
    const p = `${path}[${i}]`;
    errs.push(...validateVolumeSource(v, p));
    if (!v.name) errs.push(fieldErrors.required(`${p}.name`));
    else for (const msg of dns1123Label(v.name)) errs.push(fieldErrors.invalid(`${p}.name`, v.name, msg));
    if (names.has(v.name)) errs.push(fieldErrors.duplicate(`${p}.name`, v.name));
    names.add(v.name);
  });
  return errs;
}

function validateVolumeSource(v: Obj, path: string): FieldError[] {
  const present = VOLUME_SOURCES.filter(s => v[s]);
  if (!present.length) return [fieldErrors.required(path, 'must specify a volume type')];
  const errs = present.slice(1).map(s => fieldErrors.forbidden(`${path}.${s}`, 'may not specify more than 1 volume type'));
  const [type] = present;
  const src = v[type];
  const p = `${path}.${type}`;
  if (type === 'configMap' && !src.name) errs.push(fieldErrors.required(`${p}.name`));
  if (type === 'secret' && !src.secretName) errs.push(fieldErrors.required(`${p}.secretName`));
  if (type === 'persistentVolumeClaim' && !src.claimName) errs.push(fieldErrors.required(`${p}.claimName`));
  if (type === 'ephemeral') errs.push(...validateClaimTemplate(src.volumeClaimTemplate, `${p}.volumeClaimTemplate`));
  if (type === 'hostPath') {
    if (!src.path) errs.push(fieldErrors.required(`${p}.path`));
    if (src.type !== undefined && !HOST_PATH_TYPES.includes(src.type)) errs.push(fieldErrors.notSupported(`${p}.type`, src.type, HOST_PATH_TYPES));
  }
  if (typeof src.defaultMode === 'number' && (src.defaultMode < 0 || src.defaultMode > MAX_FILE_MODE)) {
    errs.push(fieldErrors.invalid(`${p}.defaultMode`, src.defaultMode, 'must be a number between 0 and 0777 (octal), both inclusive'));
  }
  return errs;
}

function validateTolerations(tolerations: Obj[], path: string): FieldError[] {
  const errs: FieldError[] = [];
  tolerations.forEach((t, i) => {
    const p = `${path}[${i}]`;
    if (t.key) for (const msg of qualifiedName(t.key)) errs.push(fieldErrors.invalid(`${p}.key`, t.key, msg));
    if (!t.key && t.operator !== 'Exists') {
      errs.push(fieldErrors.invalid(`${p}.operator`, t.operator ?? '', 'operator must be Exists when `key` is empty, which means "match all values and all keys"'));
    }
    if (t.tolerationSeconds !== undefined && t.effect !== 'NoExecute') {
      errs.push(fieldErrors.invalid(`${p}.effect`, t.effect ?? '', "effect must be 'NoExecute' when `tolerationSeconds` is set"));
    }
    if (t.operator === undefined || t.operator === '' || t.operator === 'Equal') {
      const msgs = labelValue(t.value ?? '');
      if (msgs.length) errs.push(fieldErrors.invalid(`${p}.operator`, t.value, msgs.join(';')));
    } else if (t.operator === 'Exists') {
      if (t.value) errs.push(fieldErrors.invalid(`${p}.operator`, t, "value must be empty when `operator` is 'Exists'"));
    } else {
      errs.push(fieldErrors.notSupported(`${p}.operator`, t.operator, ['Equal', 'Exists']));
    }
    if (t.effect && !TAINT_EFFECTS.includes(t.effect)) errs.push(fieldErrors.notSupported(`${p}.effect`, t.effect, TAINT_EFFECTS));
  });
  return errs;
}

/** A pod template: its labels and its pod spec (ValidatePodTemplateSpec). */
export function validatePodTemplate(template: Obj | undefined, path: string): FieldError[] {
  if (!template) return [fieldErrors.required(path)];
  return [
    ...validateLabels(template.metadata?.labels, `${path}.metadata.labels`),
    ...validatePodSpec(template.spec, `${path}.spec`),
  ];
}
