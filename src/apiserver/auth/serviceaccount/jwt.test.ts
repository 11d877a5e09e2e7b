import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, createPublicKey, generateKeyPairSync } from 'node:crypto';
import { InvalidTokenError, JwtSigner, JwtVerifier, keyIdOf } from './jwt.js';

const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });

const part = (token: string, i: number) => JSON.parse(Buffer.from(token.split('.')[i], 'base64url').toString());

test('RS256 and ES256 tokens verify with their key and carry the claims and key id', () => {
  for (const { privateKey, publicKey } of [rsa, ec]) {
    const signer = new JwtSigner(privateKey);
    const token = signer.sign({ sub: 'x', n: 1 });
    assert.deepEqual(new JwtVerifier([publicKey]).verify(token), { sub: 'x', n: 1 });
    const header = part(token, 0);
    assert.equal(header.alg, privateKey.asymmetricKeyType === 'rsa' ? 'RS256' : 'ES256');
    assert.equal(header.kid, createHash('sha256').update(publicKey.export({ type: 'spki', format: 'der' })).digest('base64url'));
    assert.equal(header.kid, keyIdOf(createPublicKey(privateKey)));
  }
  // An ES256 signature is the raw 64-byte r||s pair, as JWS requires.
  assert.equal(Buffer.from(new JwtSigner(ec.privateKey).sign({}).split('.')[2], 'base64url').length, 64);
});

test('other keys, altered payloads, unknown algorithms and garbage are rejected', () => {
  const token = new JwtSigner(rsa.privateKey).sign({ sub: 'x' });
  const other = generateKeyPairSync('rsa', { modulusLength: 2048 });
  assert.throws(() => new JwtVerifier([other.publicKey, ec.publicKey]).verify(token), InvalidTokenError);
  const verifier = new JwtVerifier([other.publicKey, rsa.publicKey]);
  assert.deepEqual(verifier.verify(token), { sub: 'x' }, 'any of the keys may have signed it');
  const [h, , s] = token.split('.');
  assert.throws(() => verifier.verify(`${h}.${Buffer.from('{"sub":"admin"}').toString('base64url')}.${s}`), /signature is invalid/);
  const none = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from('{"sub":"x"}').toString('base64url')}.`;
  assert.throws(() => verifier.verify(none), /unsupported signing algorithm none/);
  assert.throws(() => verifier.verify('abc'), /not a compact JWS/);
  assert.throws(() => verifier.verify('a.b.c'), InvalidTokenError);
});
