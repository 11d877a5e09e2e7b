import { test } from 'node:test';
import assert from 'node:assert/strict';
import { reviewVersion, verifyAdmissionResponse, InvalidResponseError, UnknownReviewVersionsError } from './admission-review.js';

const v1 = (response: Record<string, unknown> | undefined, extra: Record<string, unknown> = {}) => ({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', response, ...extra });
const invalid = (fn: () => unknown, message: string) => assert.throws(fn, (e: unknown) => e instanceof InvalidResponseError && e.message === message);
const patch = Buffer.from('[{"op":"add","path":"/x","value":1}]').toString('base64');

test('the first AdmissionReview version the webhook accepts that we know is sent', () => {
  assert.equal(reviewVersion(['v2', 'v1beta1', 'v1']), 'v1beta1');
  assert.throws(() => reviewVersion(['v2']), UnknownReviewVersionsError);
});

test('v1 answers: response present, same uid, same kind', () => {
  invalid(() => verifyAdmissionResponse('v1', 'u1', false, v1(undefined)), 'webhook response was absent');
  invalid(() => verifyAdmissionResponse('v1', 'u1', false, v1({ uid: 'u2', allowed: true })), 'expected response.uid="u1", got "u2"');
  invalid(() => verifyAdmissionResponse('v1', 'u1', false, { response: { uid: 'u1', allowed: true } }), 'expected webhook response of admission.k8s.io/v1, Kind=AdmissionReview, got /, Kind=');
  assert.deepEqual(verifyAdmissionResponse('v1', 'u1', false, v1({ uid: 'u1', allowed: true, warnings: ['w'], auditAnnotations: { a: 'b' } })), {
    allowed: true, result: undefined, warnings: ['w'], auditAnnotations: Object.assign(Object.create(null), { a: 'b' }),
  });
});

test('v1 patches: mutating webhooks send patch and patchType together, validating ones neither', () => {
  invalid(() => verifyAdmissionResponse('v1', 'u', true, v1({ uid: 'u', allowed: true, patch })), 'webhook returned response.patch but not response.patchType');
  invalid(() => verifyAdmissionResponse('v1', 'u', true, v1({ uid: 'u', allowed: true, patchType: 'JSONPatch' })), 'webhook returned response.patchType but not response.patch');
  invalid(() => verifyAdmissionResponse('v1', 'u', false, v1({ uid: 'u', allowed: true, patch, patchType: 'JSONPatch' })), 'validating webhook may not return response.patch');
  const ok = verifyAdmissionResponse('v1', 'u', true, v1({ uid: 'u', allowed: true, patch, patchType: 'JSONPatch' }));
  assert.equal(ok.patch, '[{"op":"add","path":"/x","value":1}]');
  assert.equal(ok.patchType, 'JSONPatch');
});

test('v1beta1 answers were never checked for uid or kind; their patches are JSON patches', () => {
  const r = verifyAdmissionResponse('v1beta1', 'u', true, { response: { allowed: true, patch } });
  assert.equal(r.patchType, 'JSONPatch');
});

test('a __proto__ audit annotation key stays data', () => {
  const r = verifyAdmissionResponse('v1', 'u', false, JSON.parse('{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","response":{"uid":"u","allowed":true,"auditAnnotations":{"__proto__":"x"}}}'));
  assert.deepEqual(Object.keys(r.auditAnnotations), ['__proto__']);
  assert.equal(({} as Record<string, unknown>).x, undefined);
});
