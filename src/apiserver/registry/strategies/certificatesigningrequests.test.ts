import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../../api/object.js';
import { InvalidError } from '../../../api/errors.js';
import { createCertificateRequest } from '../../../pki/csr.js';
import type { RequestContext } from '../../context.js';
import { certificateSigningRequestStrategy as strategy } from './certificatesigningrequests.js';

type Csr = KubeObject & { spec: any; status: any };

const ctx = { user: { username: 'alice', uid: 'u1', groups: ['devs', 'system:authenticated'] }, userAgent: '', dryRun: false, fieldValidation: 'Strict', warnings: [] } as RequestContext;

const base = () => ({
  apiVersion: 'certificates.k8s.io/v1', kind: 'CertificateSigningRequest', metadata: { name: 'c' },
  spec: { request: 'cmVx', signerName: 'example.com/s', usages: ['client auth'], username: 'alice', groups: ['devs'] },
  status: { conditions: [{ type: 'Approved', status: 'True', lastUpdateTime: '2026-01-01T00:00:00Z', lastTransitionTime: '2026-01-01T00:00:00Z' }] },
}) as unknown as Csr;

test('create records the requester (never the client\'s claim) and drops status; a request that is no CSR is invalid', async () => {
  const { request } = await createCertificateRequest({ commonName: 'x' });
  const obj = { ...base(), spec: { request: Buffer.from(request).toString('base64'), signerName: 'example.com/s', usages: ['client auth'], username: 'root', groups: ['system:masters'] } } as unknown as Csr;
  await strategy.prepareForCreate!(obj, ctx);
  assert.equal(obj.status, undefined);
  assert.deepEqual([obj.spec.username, obj.spec.uid, obj.spec.groups], ['alice', 'u1', ['devs', 'system:authenticated']]);
  const bad = { ...base(), spec: { request: Buffer.from('hello').toString('base64') } } as unknown as Csr;
  await assert.rejects(Promise.resolve(strategy.prepareForCreate!(bad, ctx)), (e: Error) => e instanceof InvalidError && /spec.request: Invalid value: .*PEM block type must be CERTIFICATE REQUEST/.test(e.message));
});

test('/approval changes only the conditions; /status cannot touch Approved or Denied; the main resource changes neither spec nor status', () => {
  const old = base();
  const approval = { ...base(), spec: { signerName: 'evil.com/x' }, status: { certificate: 'Y2VydA==', conditions: [{ type: 'Denied', status: 'True' }] } } as unknown as Csr;
  strategy.subresourceUpdates!.approval!(approval, old);
  assert.equal(approval.spec.signerName, 'example.com/s');
  assert.equal(approval.status.certificate, undefined);
  assert.deepEqual(approval.status.conditions.map((c: { type: string }) => c.type), ['Denied']);
  assert.ok(approval.status.conditions[0].lastUpdateTime, 'timestamps filled in');

  const status = { ...base(), status: { certificate: 'Y2VydA==', conditions: [{ type: 'Failed', status: 'True' }] } } as unknown as Csr;
  strategy.subresourceUpdates!.status!(status, old);
  assert.equal(status.status.certificate, 'Y2VydA==');
  assert.deepEqual(status.status.conditions.map((c: { type: string }) => c.type), ['Approved', 'Failed']);

  const main = { ...base(), spec: { signerName: 'other.io/x' }, status: {} } as unknown as Csr;
  strategy.prepareForUpdate!(main, old, ctx);
  assert.deepEqual(main.spec, old.spec);
  assert.deepEqual(main.status, old.status);
});
