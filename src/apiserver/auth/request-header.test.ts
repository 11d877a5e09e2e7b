import { test } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { UnauthorizedError } from '../../api/errors.js';
import { createCA, issueCertificate } from '../../pki/certificates.js';
import { ANONYMOUS_USER, Authenticator } from './authenticator.js';
import { DEFAULT_REQUEST_HEADERS, RequestHeaderAuthenticator } from '../../api/request-header.js';

/** A request on a TLS socket that verified `certPem` (against one of the server's CAs). */
function request(certPem: string, headers: Record<string, string[]> = {}): IncomingMessage {
  const cert = new X509Certificate(certPem);
  const subject = Object.fromEntries(cert.subject.split('\n').map(l => l.split('=') as [string, string]));
  return { headers: {}, headersDistinct: headers, socket: { authorized: true, getPeerCertificate: () => ({ subject, raw: cert.raw }) } } as unknown as IncomingMessage;
}

test('a front proxy names the user in X-Remote-* headers; the cluster CA still names its own users', async () => {
  const clusterCA = await createCA('k8ts-ca');
  const proxyCA = await createCA('front-proxy-ca');
  const proxy = await issueCertificate(proxyCA, { commonName: 'front-proxy-client', usage: 'client' });
  const stranger = await issueCertificate(proxyCA, { commonName: 'someone-else', usage: 'client' });
  const admin = await issueCertificate(clusterCA, { commonName: 'admin', organizations: ['system:masters'], usage: 'client' });
  const a = new Authenticator({
    tokens: [], anonymous: true,
    requestHeader: new RequestHeaderAuthenticator({ caPem: proxyCA.cert, allowedNames: ['front-proxy-client'], ...DEFAULT_REQUEST_HEADERS }),
  });
  assert.deepEqual(a.authenticate(request(proxy.cert, {
    'x-remote-user': ['alice'], 'x-remote-group': ['devs', 'ops'], 'x-remote-extra-scopes': ['a', 'b'], 'x-remote-extra-example.com%2fteam': ['x'],
  })), { username: 'alice', groups: ['devs', 'ops', 'system:authenticated'], extra: { scopes: ['a', 'b'], 'example.com/team': ['x'] } });
  // No username header: the proxy asserts nobody.
  assert.deepEqual(a.authenticate(request(proxy.cert)), ANONYMOUS_USER);
  assert.throws(() => a.authenticate(request(stranger.cert, { 'x-remote-user': ['alice'] })), UnauthorizedError);
  // Headers from a client of the cluster CA are ignored: its certificate is who it is.
  assert.deepEqual(a.authenticate(request(admin.cert, { 'x-remote-user': ['alice'] })), { username: 'admin', groups: ['system:masters', 'system:authenticated'] });
});
