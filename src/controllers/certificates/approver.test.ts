import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CsrObject } from '../../api/csr.js';
import type { NodeObject } from '../../api/node-object.js';
import type { ParsedRequest } from '../../pki/csr.js';
import { approvalRule } from './approver.js';
import { signerProblem } from './signer-rules.js';

const req = (r: Partial<ParsedRequest>): ParsedRequest => ({
  commonName: '', organizations: [], otherSubjectFields: [], dnsNames: [], ipAddresses: [], emailAddresses: [], uris: [], signatureValid: true, keyAlgorithm: 'ECDSA-P-256', ...r,
});
const csr = (signerName: string, username: string, groups: string[], usages = ['digital signature', 'client auth']): CsrObject =>
  ({ metadata: { name: 'c' }, spec: { request: '', signerName, usages, username, groups } }) as CsrObject;
const nodeReq = req({ commonName: 'system:node:n1', organizations: ['system:nodes'] });
const KUBELET = 'kubernetes.io/kube-apiserver-client-kubelet';

test('node client certificates: nodeclient for a new node, selfnodeclient for a node renewing its own', () => {
  assert.equal(approvalRule(csr(KUBELET, 'system:bootstrap:abcdef', ['system:bootstrappers']), nodeReq)?.subresource, 'nodeclient');
  assert.equal(approvalRule(csr(KUBELET, 'system:node:n1', ['system:nodes']), nodeReq)?.subresource, 'selfnodeclient');
});

test('the kubelet client signer refuses what is not a node client certificate', () => {
  assert.equal(approvalRule(csr(KUBELET, 'x', []), req({ commonName: 'system:node:n1', organizations: ['system:masters'] })), undefined);
  assert.match(signerProblem(KUBELET, req({ commonName: 'n1', organizations: ['system:nodes'] }), ['client auth'])!, /does not begin with system:node:/);
  assert.match(signerProblem(KUBELET, { ...nodeReq, dnsNames: ['n1'] }, ['client auth'])!, /subject alternative names are not allowed/);
  assert.match(signerProblem(KUBELET, nodeReq, ['client auth', 'server auth'])!, /server auth not allowed/);
});

test('kubelet serving: only the requesting node, only names among its Node\'s addresses', () => {
  const node = { metadata: { name: 'n1' }, status: { addresses: [{ type: 'InternalIP', address: '10.0.0.5' }, { type: 'Hostname', address: 'n1' }] } } as NodeObject;
  const serving = (username: string) => csr('kubernetes.io/kubelet-serving', username, ['system:nodes', 'system:authenticated'], ['digital signature', 'server auth']);
  assert.ok(approvalRule(serving('system:node:n1'), { ...nodeReq, dnsNames: ['n1'], ipAddresses: ['10.0.0.5'] }, node));
  assert.equal(approvalRule(serving('system:node:n1'), { ...nodeReq, ipAddresses: ['10.0.0.6'] }, node), undefined, 'an address that is not the node\'s');
  assert.equal(approvalRule(serving('system:node:n2'), { ...nodeReq, ipAddresses: ['10.0.0.5'] }, node), undefined, 'another node\'s name');
  assert.equal(approvalRule(serving('system:node:n1'), { ...nodeReq, ipAddresses: ['10.0.0.5'] }, undefined), undefined, 'no Node yet');
});

test('node component client certificates: kube-proxy and k8ts-controller, for nodes only', () => {
  const client = (username: string, groups: string[]) => csr('kubernetes.io/kube-apiserver-client', username, groups);
  assert.ok(approvalRule(client('system:node:n1', ['system:nodes']), req({ commonName: 'system:kube-proxy' })));
  assert.ok(approvalRule(client('system:node:n1', ['system:nodes']), req({ commonName: 'system:k8ts-controller' })));
  assert.equal(approvalRule(client('system:node:n1', ['system:nodes']), req({ commonName: 'admin' })), undefined);
  assert.equal(approvalRule(client('system:node:n1', ['system:nodes']), req({ commonName: 'system:kube-proxy', organizations: ['system:masters'] })), undefined);
  assert.equal(approvalRule(client('system:bootstrap:abcdef', ['system:bootstrappers']), req({ commonName: 'system:kube-proxy' })), undefined);
  assert.equal(approvalRule(client('system:node:n1', []), req({ commonName: 'system:kube-proxy' })), undefined, 'the name alone is not a node');
});
