import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { readAdmissionConfig } from '../admission-config.js';
import { podSecurityConfig } from './config.js';
import { levelVersionString } from './policy.js';

const doc = (rest: object) => ({ apiVersion: 'pod-security.admission.config.k8s.io/v1', kind: 'PodSecurityConfiguration', ...rest });

test('no configuration: everything privileged:latest, nothing exempt', () => {
  const c = podSecurityConfig(undefined);
  assert.deepEqual([c.defaults.enforce, c.defaults.audit, c.defaults.warn].map(levelVersionString), ['privileged:latest', 'privileged:latest', 'privileged:latest']);
  assert.deepEqual(c.exemptions, { usernames: [], namespaces: [], runtimeClasses: [] });
});

test('defaults and exemptions from the document; levels and versions left out are privileged and latest', () => {
  const c = podSecurityConfig(doc({ defaults: { enforce: 'baseline', 'enforce-version': 'v1.29', audit: 'restricted' }, exemptions: { namespaces: ['kube-system'], usernames: ['ops'], runtimeClasses: ['kata'] } }));
  assert.deepEqual([c.defaults.enforce, c.defaults.audit, c.defaults.warn].map(levelVersionString), ['baseline:v1.29', 'restricted:latest', 'privileged:latest']);
  assert.deepEqual(c.exemptions, { usernames: ['ops'], namespaces: ['kube-system'], runtimeClasses: ['kata'] });
});

test('bad values are refused with upstream\'s field errors', () => {
  assert.throws(() => podSecurityConfig(doc({ defaults: { enforce: 'strict', 'warn-version': 'v2' }, exemptions: { namespaces: ['Bad_NS', 'a', 'a'], usernames: [''] } })), {
    message: 'PodSecurity invalid: [defaults.enforce: Invalid value: "strict": must be one of privileged, baseline, restricted, ' +
      'defaults.warn-version: Invalid value: "v2": must be "latest" or "v1.x", ' +
      'exemptions.namespaces[0]: Invalid value: "Bad_NS": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or \'-\', and must start and end with an alphanumeric character (e.g. \'my-name\',  or \'123-abc\', regex used for validation is \'[a-z0-9]([-a-z0-9]*[a-z0-9])?\'), ' +
      'exemptions.namespaces[2]: Duplicate value: "a", exemptions.usernames[0]: Invalid value: "": username must not be empty]',
  });
  assert.throws(() => podSecurityConfig({ apiVersion: 'v1', kind: 'ConfigMap' }), /expected PodSecurityConfiguration/);
});

test('the admission configuration file gives plugins their configuration inline or by path', () => {
  const dir = mkdtempSync(join(tmpdir(), 'k8ts-admission-'));
  try {
    writeFileSync(join(dir, 'psa.yaml'), 'apiVersion: pod-security.admission.config.k8s.io/v1\nkind: PodSecurityConfiguration\ndefaults:\n  enforce: restricted\n');
    writeFileSync(join(dir, 'admission.yaml'), [
      'apiVersion: apiserver.config.k8s.io/v1', 'kind: AdmissionConfiguration', 'plugins:',
      '- name: PodSecurity', '  path: psa.yaml',
      '- name: Other', '  configuration:', '    answer: 42', '',
    ].join('\n'));
    const configs = readAdmissionConfig(join(dir, 'admission.yaml'));
    assert.equal(levelVersionString(podSecurityConfig(configs.get('PodSecurity')).defaults.enforce), 'restricted:latest');
    assert.deepEqual(configs.get('Other'), { answer: 42 });
    assert.throws(() => readAdmissionConfig(join(dir, 'missing.yaml')), /unable to read admission control configuration from ".*missing.yaml"/);
    writeFileSync(join(dir, 'wrong.yaml'), 'apiVersion: v1\nkind: ConfigMap\n');
    assert.throws(() => readAdmissionConfig(join(dir, 'wrong.yaml')), /expected kind AdmissionConfiguration/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
