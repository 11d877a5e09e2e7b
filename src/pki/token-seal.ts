// Sealing the server bootstrap data with the server token (as k3s encrypts its bootstrap data with
// a key derived from its token): AES-256-GCM under a key PBKDF2-SHA256 derives from the token and a
// random salt. Only a holder of the whole token opens it; the GCM tag makes any change detectable.
import { createCipheriv, createDecipheriv, pbkdf2, randomBytes } from 'node:crypto';
import { promisify } from 'node:util';

const derive = promisify(pbkdf2);
const ITERATIONS = 100_000;
const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;

export class SealError extends Error {}

/** `salt.iv.ciphertext+tag`, each part base64url. */
export async function sealWithToken(token: string, plaintext: Buffer): Promise<string> {
  const salt = randomBytes(16);
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', await derive(token, salt, ITERATIONS, KEY_BYTES, 'sha256'), iv);
  const sealed = Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
  return [salt, iv, sealed].map(b => b.toString('base64url')).join('.');
}

export async function openWithToken(token: string, sealedText: string): Promise<Buffer> {
  const parts = sealedText.trim().split('.');
  if (parts.length !== 3) throw new SealError('sealed data is not salt.iv.ciphertext');
  const [salt, iv, sealed] = parts.map(p => Buffer.from(p, 'base64url'));
  if (iv.length !== IV_BYTES || sealed.length < TAG_BYTES) throw new SealError('sealed data is truncated');
  const decipher = createDecipheriv('aes-256-gcm', await derive(token, salt, ITERATIONS, KEY_BYTES, 'sha256'), iv);
  decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
  try {
    return Buffer.concat([decipher.update(sealed.subarray(0, sealed.length - TAG_BYTES)), decipher.final()]);
  } catch {
    throw new SealError('sealed data does not open with this token (wrong token or altered data)');
  }
}
