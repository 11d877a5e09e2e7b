import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ObjectMeta, PodSpec } from '../../../api/types/generated.js';
import { CHECKS } from './checks.js';

/** The newest form of a check (v1.32), or the one for a given minor. */
function run(id: string, spec: Partial<PodSpec>, meta: ObjectMeta = {}, minor = 32) {
  const check = CHECKS.find(c => c.id === id)!;
  const v = [...check.versions].reverse().find(x => x.minimumMinor <= minor)!;
  return v.check(meta, { containers: [], ...spec } as PodSpec);
}

const ctr = (name: string, securityContext?: object, extra: object = {}) => ({ name, image: 'i', ...(securityContext ? { securityContext } : {}), ...extra });

// Each row: check, pod, and upstream's reason and detail (from pod-security-admission's tests and code).
const cases: Array<{ name: string; id: string; spec: Partial<PodSpec>; meta?: ObjectMeta; minor?: number; reason?: string; detail?: string }> = [
  { name: 'privileged containers', id: 'privileged', spec: { containers: [ctr('a'), ctr('b', { privileged: false }), ctr('d', { privileged: true })], initContainers: [ctr('e', { privileged: true })] },
    reason: 'privileged', detail: 'containers "e", "d" must not set securityContext.privileged=true' },
  { name: 'no privileged', id: 'privileged', spec: { containers: [ctr('a', { privileged: false })] } },
  { name: 'host namespaces', id: 'hostNamespaces', spec: { hostNetwork: true, hostPID: true, hostIPC: true }, reason: 'host namespaces', detail: 'hostNetwork=true, hostPID=true, hostIPC=true' },
  { name: 'hostPath volumes', id: 'hostPathVolumes', spec: { volumes: [{ name: 'a', hostPath: { path: '/a' } }, { name: 'c', emptyDir: {} }, { name: 'b', hostPath: { path: '/b' } }] }, reason: 'hostPath volumes', detail: 'volumes "a", "b"' },
  { name: 'one hostPort', id: 'hostPorts', spec: { containers: [ctr('a', undefined, { ports: [{ containerPort: 1 }] }), ctr('b', undefined, { ports: [{ containerPort: 2, hostPort: 20 }] })] }, reason: 'hostPort', detail: 'container "b" uses hostPort 20' },
  { name: 'several hostPorts', id: 'hostPorts', spec: { containers: [ctr('b', undefined, { ports: [{ containerPort: 1, hostPort: 20 }, { containerPort: 2, hostPort: 10 }] }), ctr('c', undefined, { ports: [{ containerPort: 3, hostPort: 30 }] })] },
    reason: 'hostPort', detail: 'containers "b", "c" use hostPorts 10, 20, 30' },
  { name: 'non-default capabilities', id: 'capabilities_baseline', spec: { containers: [ctr('a', { capabilities: { add: ['FOO', 'BAR', 'CHOWN'] } }), ctr('b', { capabilities: { add: ['BAZ', 'NET_BIND_SERVICE'] } }), ctr('c', { capabilities: { add: ['KILL'] } })] },
    reason: 'non-default capabilities', detail: 'containers "a", "b" must not include "BAR", "BAZ", "FOO" in securityContext.capabilities.add' },
  { name: 'AppArmor on pod, containers and annotations', id: 'appArmorProfile',
    spec: { securityContext: { appArmorProfile: { type: 'Unconfined' } }, containers: [ctr('foo', { appArmorProfile: { type: 'Unconfined' } }), ctr('ok', { appArmorProfile: { type: 'Localhost', localhostProfile: 'x' } })] },
    meta: { annotations: { 'container.apparmor.security.beta.kubernetes.io/b': 'unconfined', 'container.apparmor.security.beta.kubernetes.io/a': 'localhost/x', 'container.apparmor.security.beta.kubernetes.io/c': 'runtime/default' } },
    reason: 'forbidden AppArmor profiles', detail: 'pod and container "foo" and annotation must not set AppArmor profile type to "Unconfined", "container.apparmor.security.beta.kubernetes.io/b="unconfined""' },
  { name: 'AppArmor on one container', id: 'appArmorProfile', spec: { containers: [ctr('bar', { appArmorProfile: { type: 'Unconfined' } })] },
    reason: 'forbidden AppArmor profile', detail: 'container "bar" must not set AppArmor profile type to "Unconfined"' },
  { name: 'SELinux pod and containers', id: 'seLinuxOptions',
    spec: { securityContext: { seLinuxOptions: { type: 'foo' } }, containers: [ctr('e', { seLinuxOptions: { type: 'bar' } }), ctr('f', { seLinuxOptions: { user: 'u' } }), ctr('g', { seLinuxOptions: { role: 'r' } }), ctr('h', { seLinuxOptions: { type: 'container_t' } })] },
    reason: 'seLinuxOptions', detail: 'pod and containers "e", "f", "g" set forbidden securityContext.seLinuxOptions: types "bar", "foo"; user may not be set; role may not be set' },
  { name: 'container_engine_t allowed from v1.31', id: 'seLinuxOptions', spec: { containers: [ctr('a', { seLinuxOptions: { type: 'container_engine_t' } })] } },
  { name: 'container_engine_t forbidden before v1.31', id: 'seLinuxOptions', minor: 30, spec: { containers: [ctr('a', { seLinuxOptions: { type: 'container_engine_t' } })] },
    reason: 'seLinuxOptions', detail: 'container "a" set forbidden securityContext.seLinuxOptions: type "container_engine_t"' },
  { name: 'procMount', id: 'procMount', spec: { containers: [ctr('a'), ctr('c', { procMount: 'Default' }), ctr('d', { procMount: 'Unmasked' }), ctr('e', { procMount: 'other' })] },
    reason: 'procMount', detail: 'containers "d", "e" must not set securityContext.procMount to "Unmasked", "other"' },
  { name: 'seccomp baseline fields', id: 'seccompProfile_baseline', spec: { securityContext: { seccompProfile: { type: 'Unconfined' } }, containers: [ctr('a'), ctr('c', { seccompProfile: { type: 'Unconfined' } }), ctr('d', { seccompProfile: { type: 'Unconfined' } })] },
    reason: 'seccompProfile', detail: 'pod and containers "c", "d" must not set securityContext.seccompProfile.type to "Unconfined"' },
  { name: 'seccomp baseline annotations before v1.19', id: 'seccompProfile_baseline', minor: 18, spec: { containers: [ctr('a'), ctr('b')] },
    meta: { annotations: { 'seccomp.security.alpha.kubernetes.io/pod': 'unconfined', 'container.seccomp.security.alpha.kubernetes.io/a': 'unconfined', 'container.seccomp.security.alpha.kubernetes.io/b': 'unknown' } },
    reason: 'seccompProfile', detail: 'forbidden annotations container.seccomp.security.alpha.kubernetes.io/a="unconfined", container.seccomp.security.alpha.kubernetes.io/b="unknown", seccomp.security.alpha.kubernetes.io/pod="unconfined"' },
  { name: 'sysctls', id: 'sysctls', spec: { securityContext: { sysctls: [{ name: 'a', value: '1' }, { name: 'kernel.shm_rmid_forced', value: '0' }, { name: 'b', value: '1' }] } }, reason: 'forbidden sysctls', detail: 'a, b' },
  { name: 'tcp_rmem allowed at v1.32', id: 'sysctls', spec: { securityContext: { sysctls: [{ name: 'net.ipv4.tcp_rmem', value: '1 2 3' }] } } },
  { name: 'tcp_rmem forbidden at v1.31', id: 'sysctls', minor: 31, spec: { securityContext: { sysctls: [{ name: 'net.ipv4.tcp_rmem', value: '1 2 3' }] } }, reason: 'forbidden sysctls', detail: 'net.ipv4.tcp_rmem' },
  { name: 'hostProcess', id: 'windowsHostProcess', spec: { securityContext: { windowsOptions: { hostProcess: true } }, containers: [ctr('d', { windowsOptions: { hostProcess: false } }), ctr('e', { windowsOptions: { hostProcess: true } }), ctr('f', { windowsOptions: { hostProcess: true } })] },
    reason: 'hostProcess', detail: 'pod and containers "e", "f" must not set securityContext.windowsOptions.hostProcess=true' },
  { name: 'privilege escalation', id: 'allowPrivilegeEscalation', spec: { containers: [ctr('a'), ctr('b', {}), ctr('c', { allowPrivilegeEscalation: true }), ctr('d', { allowPrivilegeEscalation: false })] },
    reason: 'allowPrivilegeEscalation != false', detail: 'containers "a", "b", "c" must set securityContext.allowPrivilegeEscalation=false' },
  { name: 'privilege escalation ignored for Windows pods', id: 'allowPrivilegeEscalation', spec: { os: { name: 'windows' }, containers: [ctr('a')] } },
  { name: 'capabilities restricted', id: 'capabilities_restricted',
    spec: { containers: [ctr('a'), ctr('b', { capabilities: {} }), ctr('c', { capabilities: { drop: ['ALL'], add: ['FOO', 'BAR', 'NET_BIND_SERVICE'] } }), ctr('d', { capabilities: { drop: ['ALL'], add: ['BAZ', 'CHOWN'] } })] },
    reason: 'unrestricted capabilities', detail: 'containers "a", "b" must set securityContext.capabilities.drop=["ALL"]; containers "c", "d" must not include "BAR", "BAZ", "CHOWN", "FOO" in securityContext.capabilities.add' },
  { name: 'restricted volume types', id: 'restrictedVolumes',
    spec: { volumes: [{ name: 'a', emptyDir: {} }, { name: 'b', hostPath: { path: '/' } }, { name: 'c', nfs: { server: 's', path: '/' } }, { name: 'd', gitRepo: { repository: 'r' } }, { name: 'e' }] },
    reason: 'restricted volume types', detail: 'volumes "b", "c", "d", "e" use restricted volume types "gitRepo", "hostPath", "nfs", "unknown"' },
  { name: 'one restricted volume', id: 'restrictedVolumes', spec: { volumes: [{ name: 'h', hostPath: { path: '/' } }] }, reason: 'restricted volume types', detail: 'volume "h" uses restricted volume type "hostPath"' },
  { name: 'runAsNonRoot unset', id: 'runAsNonRoot', spec: { containers: [ctr('a'), ctr('b', { runAsNonRoot: true })] }, reason: 'runAsNonRoot != true', detail: 'pod or container "a" must set securityContext.runAsNonRoot=true' },
  { name: 'runAsNonRoot false', id: 'runAsNonRoot', spec: { securityContext: { runAsNonRoot: false }, containers: [ctr('a'), ctr('c', { runAsNonRoot: false }), ctr('d', { runAsNonRoot: false })] },
    reason: 'runAsNonRoot != true', detail: 'pod and containers "c", "d" must not set securityContext.runAsNonRoot=false' },
  { name: 'runAsNonRoot on the pod covers containers', id: 'runAsNonRoot', spec: { securityContext: { runAsNonRoot: true }, containers: [ctr('a')] } },
  { name: 'runAsUser 0', id: 'runAsUser', spec: { securityContext: { runAsUser: 0 }, containers: [ctr('a', { runAsUser: 1 }), ctr('c', { runAsUser: 0 }), ctr('d', { runAsUser: 0 })] },
    reason: 'runAsUser=0', detail: 'pod and containers "c", "d" must not set runAsUser=0' },
  { name: 'seccomp restricted unset', id: 'seccompProfile_restricted', spec: { containers: [ctr('a'), ctr('b')] },
    reason: 'seccompProfile', detail: 'pod or containers "a", "b" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost"' },
  { name: 'seccomp restricted explicit', id: 'seccompProfile_restricted', spec: { securityContext: { seccompProfile: { type: 'Unconfined' } }, containers: [ctr('a')] },
    reason: 'seccompProfile', detail: 'pod must not set securityContext.seccompProfile.type to "Unconfined"' },
  { name: 'seccomp on the pod covers containers', id: 'seccompProfile_restricted', spec: { securityContext: { seccompProfile: { type: 'RuntimeDefault' } }, containers: [ctr('a')] } },
];

for (const c of cases) {
  test(`${c.id}: ${c.name}`, () => {
    const r = run(c.id, c.spec, c.meta, c.minor);
    if (c.reason === undefined) assert.deepEqual(r, { allowed: true });
    else assert.deepEqual({ reason: r.reason, detail: r.detail, allowed: r.allowed }, { reason: c.reason, detail: c.detail, allowed: false });
  });
}

test('ephemeral containers are checked after init and regular containers', () => {
  const r = run('privileged', { initContainers: [ctr('i', { privileged: true })], containers: [ctr('c', { privileged: true })], ephemeralContainers: [ctr('e', { privileged: true })] as PodSpec['ephemeralContainers'] });
  assert.equal(r.detail, 'containers "i", "c", "e" must not set securityContext.privileged=true');
});
