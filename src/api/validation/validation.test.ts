import { test } from 'node:test';
import assert from 'node:assert/strict';
import { validateCreate, validateUpdate } from './index.js';

const ns = { namespaced: true };
const msgs = (errs: { toString(): string }[]) => errs.map(e => e.toString());

test('bad names get upstream messages', () => {
  const errs = msgs(validateCreate('', 'v1', 'ConfigMap', { metadata: { name: 'Bad_Name', namespace: 'default' } }, ns));
  assert.equal(errs.length, 1);
  assert.match(errs[0], /^metadata.name: Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain must consist of/);
  const missing = msgs(validateCreate('', 'v1', 'ConfigMap', { metadata: { namespace: 'default' } }, ns));
  assert.deepEqual(missing, ['metadata.name: Required value: name or generateName is required']);
  const svc = msgs(validateCreate('', 'v1', 'Service', { metadata: { name: 'a.b', namespace: 'default' }, spec: { ports: [{ port: 80 }] } }, ns));
  assert.match(svc[0], /RFC 1123 label/);
});

test('deployment selector must match template labels', () => {
  const dep = { metadata: { name: 'd', namespace: 'x' }, spec: { selector: { matchLabels: { app: 'a' } }, template: { metadata: { labels: { app: 'b' } }, spec: { containers: [{ name: 'c', image: 'i' }] } } } };
  const errs = msgs(validateCreate('apps', 'v1', 'Deployment', dep, ns));
  assert.deepEqual(errs, ['spec.template.metadata.labels: Invalid value: "map[string]string{\\"app\\":\\"b\\"}": `selector` does not match template `labels`']);
});

test('pod containers: duplicate names, missing image, bad port', () => {
  const pod = { metadata: { name: 'p', namespace: 'x' }, spec: { containers: [{ name: 'c', image: 'i', ports: [{ containerPort: 70000 }] }, { name: 'c' }] } };
  const errs = msgs(validateCreate('', 'v1', 'Pod', pod, ns));
  assert.ok(errs.includes('spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive'), errs.join('\n'));
  assert.ok(errs.includes('spec.containers[1].name: Duplicate value: "c"'));
  assert.ok(errs.includes('spec.containers[1].image: Required value'));
});

test('immutable selector, forbidden pod update, bad cron, bad configmap key', () => {
  const base = { metadata: { name: 'd', namespace: 'x' }, spec: { selector: { matchLabels: { app: 'a' } }, template: { metadata: { labels: { app: 'a', v: '2' } }, spec: { containers: [{ name: 'c', image: 'i' }] } } } };
  const changed = structuredClone(base);
  changed.spec.selector.matchLabels = { app: 'a', v: '2' } as any;
  assert.ok(msgs(validateUpdate('apps', 'v1', 'Deployment', changed, base, ns)).some(m => m.startsWith('spec.selector: Invalid value') && m.endsWith('field is immutable')));
  const pod = { metadata: { name: 'p', namespace: 'x' }, spec: { containers: [{ name: 'c', image: 'i' }], restartPolicy: 'Always' } };
  const pod2 = structuredClone(pod);
  pod2.spec.restartPolicy = 'Never';
  assert.ok(msgs(validateUpdate('', 'v1', 'Pod', pod2, pod, ns))[0].startsWith('spec: Forbidden: pod updates may not change fields'));
  const imageOnly = structuredClone(pod);
  imageOnly.spec.containers[0].image = 'j';
  assert.deepEqual(validateUpdate('', 'v1', 'Pod', imageOnly, pod, ns), []);
  const cj = { metadata: { name: 'c', namespace: 'x' }, spec: { schedule: '61 * * * *', jobTemplate: { spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'i' }] } } } } } };
  assert.ok(msgs(validateCreate('batch', 'v1', 'CronJob', cj, ns))[0].startsWith('spec.schedule: Invalid value: "61 * * * *"'));
  cj.spec.schedule = '*/5 * * * MON-FRI';
  assert.deepEqual(validateCreate('batch', 'v1', 'CronJob', cj, ns), []);
  const cm = { metadata: { name: 'c', namespace: 'x' }, data: { 'bad key': 'v' } };
  assert.match(msgs(validateCreate('', 'v1', 'ConfigMap', cm, ns))[0], /^data\[bad key\]: Invalid value: "bad key": a valid config key/);
});
