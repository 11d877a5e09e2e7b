import assert from 'node:assert/strict';
import { test } from 'node:test';
import { secretboxTransformer } from './secretbox.js';

// The vector was sealed with libsodium through PyNaCl (nacl.secret.SecretBox(key).encrypt(plain,
// nonce), which returns nonce + tag + ciphertext), independent of the JavaScript cipher used here.
const KEY = Buffer.from(Array.from({ length: 32 }, (_, i) => i));
const PLAIN = '{"kind":"Secret","apiVersion":"v1"}';
const SEALED = Buffer.from(
  '6465666768696a6b6c6d6e6f707172737475767778797a7b82dc2da94e4dbc0e7154289c424198fb799bf2a054d2ecd392ae46f745e1d73a128859d78df02e69d5652dfa28b1ebfe994d89',
  'hex',
).toString('latin1');

test('secretbox opens a value sealed by libsodium', () => {
  assert.deepEqual(secretboxTransformer(KEY).fromStorage(SEALED, 'any key: secretbox has no associated data'), { text: PLAIN, stale: false });
});

test('secretbox writes nonce + tag + ciphertext with a fresh nonce each time', () => {
  const t = secretboxTransformer(KEY);
  const a = t.toStorage(PLAIN, '/registry/secrets/default/a');
  const b = t.toStorage(PLAIN, '/registry/secrets/default/a');
  assert.notEqual(a, b);
  assert.equal(Buffer.from(a, 'latin1').length, 24 + 16 + PLAIN.length);
  assert.ok(!a.includes('Secret'));
  assert.equal(t.fromStorage(a, '/elsewhere').text, PLAIN);
});

test('secretbox errors are upstream\'s', () => {
  const t = secretboxTransformer(KEY);
  assert.throws(() => t.fromStorage('x'.repeat(39), 'k'), /the stored data was shorter than the required size/);
  const altered = Buffer.from(SEALED, 'latin1');
  altered[altered.length - 1] ^= 1;
  assert.throws(() => t.fromStorage(altered.toString('latin1'), 'k'), /output array was not large enough for encryption/);
  const otherKey = secretboxTransformer(Buffer.alloc(32, 7));
  assert.throws(() => otherKey.fromStorage(SEALED, 'k'), /output array was not large enough for encryption/);
  assert.throws(() => secretboxTransformer(Buffer.alloc(16)), /invalid key size 16/);
});
