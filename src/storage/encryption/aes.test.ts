import assert from 'node:assert/strict';
import { test } from 'node:test';
import { aesCbcTransformer, aesGcmTransformer } from './aes.js';

// Vectors made with Python's `cryptography` (AES-CBC + PKCS7 padder, AESGCM), independent of
// Node's OpenSSL binding: IV/nonce first, then the ciphertext (and GCM's tag), as upstream lays them out.
const KEY32 = Buffer.from('AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=', 'base64');
const KEY16 = Buffer.from('ZGVmZ2hpamtsbW5vcHFycw==', 'base64');
const KEY24 = Buffer.from('yMnKy8zNzs/Q0dLT1NXW19jZ2tvc3d7f', 'base64');
const PLAIN = '{"kind":"Secret","data":{"p":"aHVudGVyMg=="}}';
const bin = (hex: string) => Buffer.from(hex, 'hex').toString('latin1');

test('aescbc decrypts a value encrypted elsewhere (AES-256 and AES-128)', () => {
  const v256 = bin('101112131415161718191a1b1c1d1e1f96d53b3f1d4737ef51eaf5ef90c15ca8a5babf97980327f7c3301195bf428a4ea82669d59e70532b7d389351da2a5635');
  assert.deepEqual(aesCbcTransformer(KEY32).fromStorage(v256, 'any'), { text: PLAIN, stale: false });
  const v128 = bin('101112131415161718191a1b1c1d1e1fe61e49b708a4c9a8f153d1ed8cca61f7');
  assert.deepEqual(aesCbcTransformer(KEY16).fromStorage(v128, 'any'), { text: '{}', stale: false });
});

test('aescbc writes IV + padded ciphertext with a fresh IV each time', () => {
  const t = aesCbcTransformer(KEY24);
  const a = t.toStorage(PLAIN, 'k');
  const b = t.toStorage(PLAIN, 'k');
  assert.notEqual(a, b);
  // 16-byte IV, then the 45-byte plaintext padded to 48.
  assert.equal(Buffer.from(a, 'latin1').length, 16 + 48);
  assert.equal(t.fromStorage(a, 'other key: CBC has no associated data').text, PLAIN);
  assert.ok(!a.includes('Secret'));
});

test('aescbc errors are upstream\'s', () => {
  const t = aesCbcTransformer(KEY32);
  assert.throws(() => t.fromStorage('short', 'k'), /the stored data was shorter than the required size/);
  assert.throws(() => t.fromStorage('x'.repeat(20), 'k'), /the stored data is not a multiple of the block size/);
  // Decrypting with the wrong key almost never leaves valid PKCS#7 padding.
  const other = aesCbcTransformer(KEY32.map(b => b ^ 1) as Buffer).toStorage(PLAIN, 'k');
  assert.throws(() => t.fromStorage(other, 'k'), /invalid PKCS7 data \(empty or not padded\)|invalid padding on input/);
});

test('aesgcm decrypts a value encrypted elsewhere, bound to its store key', () => {
  const v = bin('28292a2b2c2d2e2f303132339b9001ad9d0b43bfe23a3f6b55cafec16f9ca7e55b833f472a88d58ab1c4677b91958e568c8bf909b123a1e8210760b9107df43e945c9a055747c4429b');
  const t = aesGcmTransformer(KEY32);
  assert.deepEqual(t.fromStorage(v, '/registry/secrets/default/s1'), { text: PLAIN, stale: false });
  // The same bytes under another key are refused: a value cannot be moved to another object.
  assert.throws(() => t.fromStorage(v, '/registry/secrets/default/s2'), /^TransformError: cipher: message authentication failed$/);
  const v192 = bin('28292a2b2c2d2e2f30313233638b934daac91b5839aaa973188ddb7aacd2');
  assert.equal(aesGcmTransformer(KEY24).fromStorage(v192, '/registry/configmaps/a/b').text, '{}');
});

test('aesgcm writes nonce + ciphertext + tag with a fresh nonce each time', () => {
  const t = aesGcmTransformer(KEY16);
  const a = t.toStorage(PLAIN, '/k');
  assert.notEqual(a, t.toStorage(PLAIN, '/k'));
  assert.equal(Buffer.from(a, 'latin1').length, 12 + Buffer.byteLength(PLAIN) + 16);
  assert.equal(t.fromStorage(a, '/k').text, PLAIN);
  assert.throws(() => t.fromStorage('0123456789a', '/k'), /the stored data was shorter than the required size/);
  assert.throws(() => t.fromStorage('0123456789ab', '/k'), /cipher: message authentication failed/);
});

test('non-ASCII plaintext survives the binary-string round trip', () => {
  const text = '{"data":{"k":"žluťoučký kůň \u0000 \ud83d\ude00"}}';
  for (const t of [aesCbcTransformer(KEY32), aesGcmTransformer(KEY32)]) assert.equal(t.fromStorage(t.toStorage(text, '/a'), '/a').text, text);
});
