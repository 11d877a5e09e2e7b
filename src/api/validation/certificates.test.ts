import { test } from 'node:test';
import assert from 'node:assert/strict';
import { validateCertificateSigningRequest, validateCertificateSigningRequestUpdate } from './certificates.js';

const csr = (spec: Record<string, unknown>, status?: Record<string, unknown>) => ({
  metadata: { name: 'c' }, spec: { request: 'cmVx', signerName: 'example.com/signer', usages: ['client auth'], ...spec }, ...(status ? { status } : {}),
});
const messages = (errs: { toString(): string }[]) => errs.map(e => e.toString());

test('a well-formed request has no errors', () => {
  assert.deepEqual(validateCertificateSigningRequest(csr({})), []);
});

test('usages: required, each supported, no duplicates', () => {
  assert.deepEqual(messages(validateCertificateSigningRequest(csr({ usages: [] }))), ['spec.usages: Required value']);
  assert.match(messages(validateCertificateSigningRequest(csr({ usages: ['flying'] })))[0]!, /^spec.usages\[0\]: Unsupported value: "flying": supported values: "any", /);
  assert.deepEqual(messages(validateCertificateSigningRequest(csr({ usages: ['client auth', 'client auth'] }))), ['spec.usages[1]: Duplicate value: "client auth"']);
});

test('signerName: required, domain/path, never the legacy signer', () => {
  assert.deepEqual(messages(validateCertificateSigningRequest(csr({ signerName: '' }))), ['spec.signerName: Required value']);
  assert.deepEqual(messages(validateCertificateSigningRequest(csr({ signerName: 'nodomain' }))),
    ['spec.signerName: Invalid value: "nodomain": must be a fully qualified domain and path of the form \'example.com/signer-name\'']);
  assert.deepEqual(messages(validateCertificateSigningRequest(csr({ signerName: 'kubernetes.io/legacy-unknown' }))),
    ['spec.signerName: Invalid value: "kubernetes.io/legacy-unknown": the legacy signerName is not allowed via this API version']);
});

test('expirationSeconds below 600 is invalid', () => {
  assert.deepEqual(messages(validateCertificateSigningRequest(csr({ expirationSeconds: 599 }))),
    ['spec.expirationSeconds: Invalid value: 599: may not specify a duration less than 600 seconds (10 minutes)']);
});

test('conditions: Approved and Denied only True and never together; types unique', () => {
  const both = validateCertificateSigningRequest(csr({}, { conditions: [{ type: 'Approved', status: 'True' }, { type: 'Denied', status: 'True' }] }));
  assert.match(messages(both).join('\n'), /status.conditions: Invalid value: .*Approved and Denied conditions are mutually exclusive/);
  assert.match(messages(validateCertificateSigningRequest(csr({}, { conditions: [{ type: 'Approved', status: 'False' }] }))).join(), /Approved condition may only be set to True/);
  assert.match(messages(validateCertificateSigningRequest(csr({}, { conditions: [{ type: 'X', status: 'True' }, { type: 'X', status: 'True' }] }))).join(), /status.conditions\[1\].type: Duplicate value: "X"/);
});

test('status.certificate must be CERTIFICATE PEM blocks; once set it never changes; approvals are never removed', () => {
  const b64 = (s: string) => Buffer.from(s).toString('base64');
  assert.match(messages(validateCertificateSigningRequest(csr({}, { certificate: b64('junk') }))).join(), /must contain at least one CERTIFICATE PEM block/);
  assert.match(messages(validateCertificateSigningRequest(csr({}, { certificate: b64('-----BEGIN PRIVATE KEY-----\nAA==\n-----END PRIVATE KEY-----\n') }))).join(), /only CERTIFICATE PEM blocks/);
  const cert = b64('-----BEGIN CERTIFICATE-----\nAA==\n-----END CERTIFICATE-----\n');
  const approved = csr({}, { conditions: [{ type: 'Approved', status: 'True' }], certificate: cert });
  assert.deepEqual(validateCertificateSigningRequestUpdate(approved, csr({}, { conditions: [{ type: 'Approved', status: 'True' }] })), []);
  assert.match(messages(validateCertificateSigningRequestUpdate(csr({}, { certificate: cert }), csr({}))).join(), /certificate can only be set if the Approved condition is present/);
  assert.match(messages(validateCertificateSigningRequestUpdate(csr({}, { conditions: [{ type: 'Approved', status: 'True' }] }), approved)).join(), /updates may not modify existing certificate content/);
  assert.match(messages(validateCertificateSigningRequestUpdate(csr({}), csr({}, { conditions: [{ type: 'Denied', status: 'True' }] }))).join(), /updates may not remove a condition of type "Denied"/);
});
