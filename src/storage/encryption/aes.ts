// The aescbc and aesgcm providers' ciphers, byte for byte as upstream's storage/value/encrypt/aes:
//   aescbc: IV (16 random bytes) + AES-CBC ciphertext of the plaintext with PKCS#7 padding.
//   aesgcm: nonce (12 random bytes) + AES-GCM ciphertext + 16-byte tag; the store key is the
//           additional authenticated data, so a value copied under another key does not decrypt.
// Key length (16, 24 or 32 bytes) picks AES-128, -192 or -256. Payloads are binary strings.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { TransformError, type ValueTransformer } from './transformer.js';

const BLOCK = 16;
const GCM_NONCE = 12;
const GCM_TAG = 16;

function aesBits(key: Buffer): 128 | 192 | 256 {
  if (key.length === 16 || key.length === 24 || key.length === 32) return (key.length * 8) as 128 | 192 | 256;
  throw new TransformError(`crypto/aes: invalid key size ${key.length}`);
}

export function aesCbcTransformer(key: Buffer): ValueTransformer {
  const algorithm = `aes-${aesBits(key)}-cbc`;
  return {
    fromStorage(stored) {
      const data = Buffer.from(stored, 'latin1');
      if (data.length < BLOCK) throw new TransformError('the stored data was shorter than the required size');
      const body = data.subarray(BLOCK);
      if (body.length % BLOCK !== 0) throw new TransformError('the stored data is not a multiple of the block size');
      const decipher = createDecipheriv(algorithm, key, data.subarray(0, BLOCK)).setAutoPadding(false);
      const plain = Buffer.concat([decipher.update(body), decipher.final()]);
      // Padding checked here, with upstream's messages, rather than by OpenSSL.
      const pad = plain.length ? plain[plain.length - 1] : 0;
      if (pad === 0 || pad > plain.length) throw new TransformError('invalid PKCS7 data (empty or not padded)');
      for (let i = plain.length - pad; i < plain.length; i++) {
        if (plain[i] !== pad) throw new TransformError('invalid padding on input');
      }
      return { text: plain.subarray(0, plain.length - pad).toString('utf8'), stale: false };
    },
    toStorage(text) {
      const iv = randomBytes(BLOCK);
      const cipher = createCipheriv(algorithm, key, iv); // PKCS#7 padding is OpenSSL's default
      return Buffer.concat([iv, cipher.update(text, 'utf8'), cipher.final()]).toString('latin1');
    },
  };
}

export function aesGcmTransformer(key: Buffer): ValueTransformer {
  const algorithm = `aes-${aesBits(key)}-gcm` as const;
  return {
    fromStorage(stored, dataKey) {
      const data = Buffer.from(stored, 'latin1');
      if (data.length < GCM_NONCE) throw new TransformError('the stored data was shorter than the required size');
      if (data.length < GCM_NONCE + GCM_TAG) throw new TransformError('cipher: message authentication failed');
      const decipher = createDecipheriv(algorithm, key, data.subarray(0, GCM_NONCE), { authTagLength: GCM_TAG });
      decipher.setAAD(Buffer.from(dataKey, 'utf8'));
      decipher.setAuthTag(data.subarray(data.length - GCM_TAG));
      try {
        const plain = Buffer.concat([decipher.update(data.subarray(GCM_NONCE, data.length - GCM_TAG)), decipher.final()]);
        return { text: plain.toString('utf8'), stale: false };
      } catch {
        throw new TransformError('cipher: message authentication failed');
      }
    },
    toStorage(text, dataKey) {
      const nonce = randomBytes(GCM_NONCE);
      const cipher = createCipheriv(algorithm, key, nonce, { authTagLength: GCM_TAG });
      cipher.setAAD(Buffer.from(dataKey, 'utf8'));
      const sealed = Buffer.concat([nonce, cipher.update(text, 'utf8'), cipher.final(), cipher.getAuthTag()]);
      return sealed.toString('latin1');
    },
  };
}
