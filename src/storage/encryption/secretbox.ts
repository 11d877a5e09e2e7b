// The secretbox provider's cipher, byte for byte as upstream's storage/value/encrypt/secretbox:
// a 24-byte random nonce, then NaCl's secretbox (XSalsa20-Poly1305) of the plaintext, which is the
// 16-byte Poly1305 tag followed by the ciphertext. The key is 32 bytes. Unlike aesgcm the store key
// is not authenticated with the value (NaCl's secretbox has no associated data), as upstream.
// OpenSSL has no XSalsa20, so the cipher is @noble/ciphers' audited implementation.
import { randomBytes } from 'node:crypto';
import { xsalsa20poly1305 } from '@noble/ciphers/salsa.js';
import { TransformError, type ValueTransformer } from './transformer.js';

const NONCE = 24;
const TAG = 16;
const KEY = 32;

export function secretboxTransformer(key: Buffer): ValueTransformer {
  if (key.length !== KEY) throw new TransformError(`secretbox: invalid key size ${key.length}`);
  return {
    fromStorage(stored) {
      const data = Buffer.from(stored, 'latin1');
      if (data.length < NONCE + TAG) throw new TransformError('the stored data was shorter than the required size');
      let plain: Uint8Array;
      try {
        plain = xsalsa20poly1305(key, data.subarray(0, NONCE)).decrypt(data.subarray(NONCE));
      } catch {
        // Upstream's words for a box that does not open (wrong key or altered bytes).
        throw new TransformError('output array was not large enough for encryption');
      }
      return { text: Buffer.from(plain).toString('utf8'), stale: false };
    },
    toStorage(text) {
      const nonce = randomBytes(NONCE);
      const sealed = xsalsa20poly1305(key, nonce).encrypt(Buffer.from(text, 'utf8'));
      return Buffer.concat([nonce, sealed]).toString('latin1');
    },
  };
}
