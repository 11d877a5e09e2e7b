import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { EncryptionConfig, EncryptionConfigError } from './config.js';

const K1 = Buffer.alloc(32, 1).toString('base64');
const K2 = Buffer.alloc(16, 2).toString('base64');
const K32 = Buffer.alloc(32, 3).toString('base64');
const doc = (resources: unknown) => ({ apiVersion: 'apiserver.config.k8s.io/v1', kind: 'EncryptionConfiguration', resources });
const failure = (d: unknown) => {
  try { EncryptionConfig.fromDocument(d); } catch (err) { assert.ok(err instanceof EncryptionConfigError); return (err as Error).message; }
  assert.fail('expected the config to be refused');
};

test('the first provider writes k8s:enc:<provider>:v1:<key>:, every provider reads', () => {
  const c = EncryptionConfig.fromDocument(doc([{ resources: ['secrets'], providers: [{ aescbc: { keys: [{ name: 'key1', secret: K1 }] } }, { identity: {} }] }]));
  const t = c.transformerFor('', 'secrets');
  const stored = t.toStorage('{"data":{"a":"Yg=="}}', '/registry/secrets/ns/s');
  assert.ok(stored.startsWith('k8s:enc:aescbc:v1:key1:'));
  assert.deepEqual(t.fromStorage(stored, '/registry/secrets/ns/s'), { text: '{"data":{"a":"Yg=="}}', stale: false });
  // Data written before encryption was enabled: read by identity, stale so that a rewrite encrypts it.
  assert.deepEqual(t.fromStorage('{"a":1}', '/registry/secrets/ns/s'), { text: '{"a":1}', stale: true });
  // Other resources stay plain.
  assert.equal(c.transformerFor('', 'configmaps').toStorage('{}', '/registry/configmaps/a/b'), '{}');
});

test('secretbox: values carry its prefix and key name, and a provider switch reads old values as stale', () => {
  const box = EncryptionConfig.fromDocument(doc([{ resources: ['secrets'], providers: [{ secretbox: { keys: [{ name: 'sb', secret: K32 }] } }, { aescbc: { keys: [{ name: 'k1', secret: K1 }] } }] }]));
  const cbc = EncryptionConfig.fromDocument(doc([{ resources: ['secrets'], providers: [{ aescbc: { keys: [{ name: 'k1', secret: K1 }] } }] }]));
  const key = '/registry/secrets/default/s';
  const stored = box.transformerFor('', 'secrets').toStorage('{"v":1}', key);
  // Prefix, then the 24-byte nonce, the 16-byte tag and the 7-byte ciphertext.
  assert.ok(stored.startsWith('k8s:enc:secretbox:v1:sb:'));
  assert.equal(Buffer.from(stored, 'latin1').length, 'k8s:enc:secretbox:v1:sb:'.length + 24 + 16 + 7);
  assert.deepEqual(box.transformerFor('', 'secrets').fromStorage(stored, key), { text: '{"v":1}', stale: false });
  const old = cbc.transformerFor('', 'secrets').toStorage('{"v":0}', key);
  assert.deepEqual(box.transformerFor('', 'secrets').fromStorage(old, key), { text: '{"v":0}', stale: true });
  const otherName = EncryptionConfig.fromDocument(doc([{ resources: ['secrets'], providers: [{ secretbox: { keys: [{ name: 'other', secret: K32 }] } }] }]));
  assert.throws(() => otherName.transformerFor('', 'secrets').fromStorage(stored, key), { message: 'no matching key was found for the provided Secretbox transformer' });
});

test('rotation: add the new key first, rewrite, then drop the old key', () => {
  const old = EncryptionConfig.fromDocument(doc([{ resources: ['secrets'], providers: [{ aesgcm: { keys: [{ name: 'k1', secret: K1 }] } }] }]));
  const both = EncryptionConfig.fromDocument(doc([{ resources: ['secrets'], providers: [{ aesgcm: { keys: [{ name: 'k2', secret: K2 }, { name: 'k1', secret: K1 }] } }] }]));
  const onlyNew = EncryptionConfig.fromDocument(doc([{ resources: ['secrets'], providers: [{ aesgcm: { keys: [{ name: 'k2', secret: K2 }] } }] }]));
  const key = '/registry/secrets/default/s';
  const v1 = old.transformerFor('', 'secrets').toStorage('{"v":1}', key);
  // The old key's data reads with the rotation config, marked stale; new writes use k2.
  assert.deepEqual(both.transformerFor('', 'secrets').fromStorage(v1, key), { text: '{"v":1}', stale: true });
  const v2 = both.transformerFor('', 'secrets').toStorage('{"v":1}', key);
  assert.ok(v2.startsWith('k8s:enc:aesgcm:v1:k2:'));
  assert.deepEqual(onlyNew.transformerFor('', 'secrets').fromStorage(v2, key), { text: '{"v":1}', stale: false });
  // Dropping the old key too early: upstream's error.
  assert.throws(() => onlyNew.transformerFor('', 'secrets').fromStorage(v1, key), { message: 'no matching key was found for the provided AES transformer' });
  // A provider the config does not name at all.
  const cbcOnly = EncryptionConfig.fromDocument(doc([{ resources: ['secrets'], providers: [{ aescbc: { keys: [{ name: 'k1', secret: K1 }] } }] }]));
  assert.throws(() => cbcOnly.transformerFor('', 'secrets').fromStorage(v1, key), { message: 'no matching prefix found' });
});

test('resources resolve as upstream: exact, then *.group, then *.*', () => {
  const c = EncryptionConfig.fromDocument(doc([
    { resources: ['secrets', 'deployments.apps'], providers: [{ aescbc: { keys: [{ name: 'a', secret: K1 }] } }] },
    { resources: ['*.batch'], providers: [{ aesgcm: { keys: [{ name: 'b', secret: K1 }] } }] },
    { resources: ['*.*'], providers: [{ aesgcm: { keys: [{ name: 'c', secret: K2 }] } }] },
  ]));
  assert.ok(c.transformerFor('', 'secrets').toStorage('{}', '/k').startsWith('k8s:enc:aescbc:v1:a:'));
  assert.ok(c.transformerFor('apps', 'deployments').toStorage('{}', '/k').startsWith('k8s:enc:aescbc:v1:a:'));
  assert.ok(c.transformerFor('batch', 'jobs').toStorage('{}', '/k').startsWith('k8s:enc:aesgcm:v1:b:'));
  assert.ok(c.transformerFor('apps', 'statefulsets').toStorage('{}', '/k').startsWith('k8s:enc:aesgcm:v1:c:'));
  assert.ok(c.transformerFor('', 'configmaps').toStorage('{}', '/k').startsWith('k8s:enc:aesgcm:v1:c:'));
  assert.ok(c.transformerFor('events.k8s.io', 'events').toStorage('{}', '/k').startsWith('k8s:enc:aesgcm:v1:c:'));
});

test('configs are validated with upstream\'s messages', () => {
  assert.match(failure(doc([])), /resources: Required value: at least one resources is required/);
  assert.match(failure(doc([{ resources: ['secrets'], providers: [{ aescbc: { keys: [{ name: 'k', secret: Buffer.alloc(8).toString('base64') }] } }] }])),
    /resources\[0\]\.providers\[0\]\.aescbc\.keys\[0\]\.secret: Invalid value: "REDACTED": secret is not of the expected length, got 8, expected one of \[16 24 32\]/);
  assert.match(failure(doc([{ resources: ['secrets'], providers: [{ aesgcm: { keys: [{ name: 'k', secret: 'not base64!' }] } }] }])), /secrets must be base64 encoded/);
  assert.match(failure(doc([{ resources: ['secrets'], providers: [{ aesgcm: { keys: [{ secret: K1 }] } }] }])), /keys\[0\]\.name: Required value: name is a mandatory field for a key/);
  assert.match(failure(doc([{ resources: ['secrets'], providers: [{ aesgcm: { keys: [] } }] }])), /aesgcm\.keys: Required value: at least one keys is required/);
  assert.match(failure(doc([{ resources: ['secrets'], providers: [{ identity: {}, aescbc: { keys: [{ name: 'k', secret: K1 }] } }] }])), /more than one provider specified in a single element/);
  assert.match(failure(doc([{ resources: ['secrets'], providers: [{}] }])), /provider does not contain any of the expected providers: KMS, AESGCM, AESCBC, Secretbox, Identity/);
  assert.match(failure(doc([{ resources: ['secrets', '*.'], providers: [{ identity: {} }] }])), /using overlapping resources such as 'secrets' and '\*\.' in the same resource list is not allowed/);
  assert.match(failure(doc([{ resources: ['secrets', 'secrets'], providers: [{ identity: {} }] }])), /resources\[0\]\.resources: Invalid value: \[\]string\{"secrets", "secrets"\}: the same resource cannot be specified multiple times/);
  assert.match(failure(doc([{ resources: ['*'], providers: [{ identity: {} }] }])), /use '\*\.' to encrypt all the resources from core API group or \*\.\* to encrypt all resources/);
  assert.match(failure(doc([{ resources: ['Secrets'], providers: [{ identity: {} }] }])), /resource name should not contain capital letters/);
  assert.match(failure(doc([{ resources: ['events.events.k8s.io'], providers: [{ identity: {} }] }])), /Use 'events' instead in the config file/);
  assert.match(failure(doc([{ resources: ['secrets.*'], providers: [{ identity: {} }] }])), /encrypting the same resource across groups is not supported/);
  assert.match(failure(doc([{ resources: ['*.*'], providers: [{ identity: {} }] }, { resources: ['secrets'], providers: [{ identity: {} }] }])), /resource "secrets" is masked by earlier rule "\*\.\*"/);
  assert.match(failure(doc([{ resources: ['*.apps'], providers: [{ identity: {} }] }, { resources: ['deployments.apps'], providers: [{ identity: {} }] }])), /resource "deployments\.apps" is masked by earlier rule "\*\.apps"/);
  assert.match(failure({ apiVersion: 'v1', kind: 'ConfigMap' }), /expected kind EncryptionConfiguration in apiserver\.config\.k8s\.io\/v1/);
  assert.match(failure({ ...doc([{ resources: ['secrets'], providers: [{ identity: {}, aescbx: {} }] }]) }), /strict decoding error: unknown field "resources\[0\]\.providers\[0\]\.aescbx"/);
  assert.match(failure(doc([{ resources: ['secrets'], providers: [{ kms: { name: 'k', endpoint: 'unix:///k.sock' } }] }])), /the kms provider is not supported by k8ts/);
});

test('the file may be YAML or JSON; an empty or missing file is a clear error', () => {
  const dir = mkdtempSync(join(tmpdir(), 'enc-config-'));
  try {
    const yaml = join(dir, 'enc.yaml');
    writeFileSync(yaml, `apiVersion: apiserver.config.k8s.io/v1\nkind: EncryptionConfiguration\nresources:\n  - resources: [secrets]\n    providers:\n      - aesgcm:\n          keys:\n            - name: key1\n              secret: ${K1}\n      - identity: {}\n`);
    assert.ok(EncryptionConfig.load(yaml).transformerFor('', 'secrets').toStorage('{}', '/k').startsWith('k8s:enc:aesgcm:v1:key1:'));
    const json = join(dir, 'enc.json');
    writeFileSync(json, JSON.stringify(doc([{ resources: ['configmaps'], providers: [{ aescbc: { keys: [{ name: 'j', secret: K2 }] } }] }])));
    assert.ok(EncryptionConfig.load(json).transformerFor('', 'configmaps').toStorage('{}', '/k').startsWith('k8s:enc:aescbc:v1:j:'));
    const empty = join(dir, 'empty.yaml');
    writeFileSync(empty, '');
    assert.throws(() => EncryptionConfig.load(empty), { message: `error while parsing file: encryption provider configuration file "${empty}" is empty` });
    assert.throws(() => EncryptionConfig.load(join(dir, 'missing')), /error opening encryption provider configuration file/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
