import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { UnauthorizedError } from '../../api/errors.js';
import { ANONYMOUS_USER, Authenticator } from './authenticator.js';

/** A request on a socket without a client certificate. */
const request = (authorization?: string) => ({
  headers: authorization ? { authorization } : {},
  socket: { authorized: false, getPeerCertificate: () => ({}) },
}) as unknown as IncomingMessage;

const tokens = [{ token: 'tok', user: { username: 'alice', groups: ['devs'] } }];

test('no credentials: system:anonymous in system:unauthenticated when enabled, else 401', () => {
  assert.deepEqual(new Authenticator({ tokens, anonymous: true }).authenticate(request()), ANONYMOUS_USER);
  assert.throws(() => new Authenticator({ tokens, anonymous: false }).authenticate(request()), UnauthorizedError);
});

test('a token that fails is 401 even with anonymous enabled; a good one is its user plus system:authenticated', () => {
  const a = new Authenticator({ tokens, anonymous: true });
  assert.throws(() => a.authenticate(request('Bearer nope')), UnauthorizedError);
  assert.throws(() => a.authenticate(request('Basic Zm9vOmJhcg==')), UnauthorizedError);
  assert.deepEqual(a.authenticate(request('Bearer tok')), { username: 'alice', groups: ['devs', 'system:authenticated'] });
});

test('a client certificate that does not chain to the CA is 401, not anonymous', () => {
  const a = new Authenticator({ tokens, anonymous: true });
  const req = { headers: {}, socket: { authorized: false, getPeerCertificate: () => ({ subject: { CN: 'x' }, raw: Buffer.from('x') }) } } as unknown as IncomingMessage;
  assert.throws(() => a.authenticate(req), UnauthorizedError);
});

test('a WebSocket upgrade may carry its bearer token as a base64url.bearer.authorization.k8s.io subprotocol, removed once read', () => {
  const a = new Authenticator({ tokens, anonymous: false });
  const upgrade = (protocols: string) => ({
    headers: { upgrade: 'websocket', 'sec-websocket-protocol': protocols },
    socket: { authorized: false, getPeerCertificate: () => ({}) },
  }) as unknown as IncomingMessage;
  const req = upgrade(`v5.channel.k8s.io, base64url.bearer.authorization.k8s.io.${Buffer.from('tok').toString('base64url')}, v4.channel.k8s.io`);
  assert.deepEqual(a.authenticate(req), { username: 'alice', groups: ['devs', 'system:authenticated'] });
  assert.equal(req.headers['sec-websocket-protocol'], 'v5.channel.k8s.io, v4.channel.k8s.io');
  assert.throws(() => a.authenticate(upgrade(`base64url.bearer.authorization.k8s.io.${Buffer.from('nope').toString('base64url')}`)), UnauthorizedError);
  assert.throws(() => a.authenticate(upgrade('base64url.bearer.authorization.k8s.io.a+b=')), UnauthorizedError);
  // Not an upgrade: the subprotocol header means nothing.
  const plain = { headers: { 'sec-websocket-protocol': `base64url.bearer.authorization.k8s.io.${Buffer.from('tok').toString('base64url')}` }, socket: { authorized: false, getPeerCertificate: () => ({}) } } as unknown as IncomingMessage;
  assert.throws(() => a.authenticate(plain), UnauthorizedError);
});
