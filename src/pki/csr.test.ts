import { test } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { createCA } from './certificates.js';
import { createCertificateRequest, InvalidRequestError, parseCertificateRequest, signCertificateRequest } from './csr.js';

test('a request carries its subject and names, verifies, and is signed into a certificate for the same key', async () => {
  const { request, key } = await createCertificateRequest({ commonName: 'system:node:n1', organizations: ['system:nodes'], dnsNames: ['n1'], ipAddresses: ['10.0.0.5'] });
  const parsed = await parseCertificateRequest(request);
  assert.equal(parsed.commonName, 'system:node:n1');
  assert.deepEqual(parsed.organizations, ['system:nodes']);
  assert.deepEqual(parsed.dnsNames, ['n1']);
  assert.deepEqual(parsed.ipAddresses, ['10.0.0.5']);
  assert.equal(parsed.signatureValid, true);
  const ca = await createCA('test-ca');
  const notBefore = new Date(Date.now() - 60_000);
  const notAfter = new Date(Date.now() + 3600_000);
  const pem = await signCertificateRequest(ca, request, { usages: ['digital signature', 'server auth'], notBefore, notAfter });
  const cert = new X509Certificate(pem);
  assert.ok(cert.verify(new X509Certificate(ca.cert).publicKey));
  assert.ok(cert.checkPrivateKey((await import('node:crypto')).createPrivateKey(key)));
  assert.match(cert.subject, /CN=system:node:n1/);
  assert.match(cert.subjectAltName ?? '', /DNS:n1/);
  assert.match(cert.subjectAltName ?? '', /IP Address:10.0.0.5/);
  assert.equal(Math.abs(Date.parse(cert.validTo) - notAfter.getTime()) < 1000, true);
});

test('garbage is not a request', async () => {
  await assert.rejects(parseCertificateRequest('-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----\n'), InvalidRequestError);
});
