// Authentication end to end with the real kubectl: static tokens (--token-auth-file), anonymous
// requests on and off, bootstrap tokens with expiry (and their cleanup), the CSR API with
// `kubectl certificate approve|deny`, auto-approval of node client CSRs; then a multi-node cluster
// whose agent joins with an expiring bootstrap token, gets its identities through CSRs and rotates
// its certificates before they run out.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { X509Certificate } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { kubeconfig } from '../../src/client/kubeconfig.js';
import { createCertificateRequest } from '../../src/pki/csr.js';
import { eventually, TestCluster } from './harness.js';
import { leftoversOf, NetnsCluster } from './support/netns-cluster.js';

const TOKEN_CSV = 'static-token-1,alice,1001,"devs,ops"\nstatic-token-2,bob,1002\n';

/** GET without credentials; the status code and body. */
function anonymousGet(url: string): Promise<{ code: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { rejectUnauthorized: false, agent: false }, res => {
      let body = '';
      res.on('data', d => (body += d));
      res.on('end', () => resolve({ code: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

function inAnHour(seconds: number): string {
  return new Date(Date.now() + seconds * 1000).toISOString().replace(/\.\d+Z$/, 'Z');
}

function tokenSecretYaml(id: string, secret: string, expiration?: string, groups?: string): string {
  return [
    'apiVersion: v1', 'kind: Secret', 'type: bootstrap.kubernetes.io/token',
    `metadata: {name: bootstrap-token-${id}, namespace: kube-system}`, 'stringData:',
    `  token-id: ${id}`, `  token-secret: ${secret}`, '  usage-bootstrap-authentication: "true"',
    ...(expiration ? [`  expiration: "${expiration}"`] : []), ...(groups ? [`  auth-extra-groups: "${groups}"`] : []), '',
  ].join('\n');
}

async function csrYaml(name: string, subject: { commonName: string; organizations?: string[] }, signerName: string, usages: string[]): Promise<{ yaml: string; key: string }> {
  const { request: pem, key } = await createCertificateRequest(subject);
  const yaml = [
    'apiVersion: certificates.k8s.io/v1', 'kind: CertificateSigningRequest', `metadata: {name: ${name}}`, 'spec:',
    `  request: ${Buffer.from(pem).toString('base64')}`, `  signerName: ${signerName}`, `  usages: [${usages.join(', ')}]`, '',
  ].join('\n');
  return { yaml, key };
}

describe('authentication (API server)', () => {
  let c: TestCluster;
  let dir: string;
  let ca: string;

  /** kubectl as whoever holds `token` (a kubeconfig with only that token). */
  const asToken = (token: string, args: string[]) => {
    const path = join(dir, `kc-${token.replace(/\W/g, '_')}`);
    writeFileSync(path, kubeconfig(c.url, ca, { token }, 'user'));
    return c.kubectl(['--kubeconfig', path, ...args]);
  };

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'k8ts-authn-'));
    writeFileSync(join(dir, 'tokens.csv'), TOKEN_CSV);
    c = await TestCluster.start({ extraArgs: ['--token-auth-file', join(dir, 'tokens.csv')] });
    ca = readFileSync(join(c.dataDir, 'tls', 'ca.crt'), 'utf8');
  });
  after(async () => {
    await c?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('--token-auth-file: each token is its user, uid and groups; an unknown token is 401', async () => {
    const alice = await asToken('static-token-1', ['auth', 'whoami', '-o', 'json']);
    assert.equal(alice.code, 0, alice.stderr);
    assert.deepEqual(JSON.parse(alice.stdout).status.userInfo, { username: 'alice', uid: '1001', groups: ['devs', 'ops', 'system:authenticated'] });
    const bob = JSON.parse((await asToken('static-token-2', ['auth', 'whoami', '-o', 'json'])).stdout).status.userInfo;
    assert.deepEqual(bob.groups, ['system:authenticated']);
    const nobody = await asToken('not-a-token', ['get', 'pods']);
    assert.notEqual(nobody.code, 0);
    assert.match(nobody.stderr, /You must be logged in to the server/);
  });

  test('anonymous requests (default on) reach health and version; bad credentials are still 401', async () => {
    for (const path of ['/version', '/healthz', '/livez', '/readyz']) assert.equal((await anonymousGet(c.url + path)).code, 200, path);
    assert.equal(JSON.parse((await anonymousGet(c.url + '/version')).body).major, '1');
    const bad = await asToken('abcdef.0000000000000000', ['get', '--raw', '/version']);
    assert.notEqual(bad.code, 0, 'a presented token that fails is never anonymous');
  });

  test('bootstrap token: system:bootstrap:<id> in system:bootstrappers and its extra groups until it expires; then 401 and the Secret is removed', async () => {
    await c.k(['apply', '-f', '-'], tokenSecretYaml('aaaaaa', '0123456789abcdef', inAnHour(20), 'system:bootstrappers:e2e'));
    const who = await asToken('aaaaaa.0123456789abcdef', ['auth', 'whoami', '-o', 'json']);
    assert.equal(who.code, 0, who.stderr);
    assert.deepEqual(JSON.parse(who.stdout).status.userInfo, { username: 'system:bootstrap:aaaaaa', groups: ['system:bootstrappers', 'system:bootstrappers:e2e', 'system:authenticated'] });
    assert.notEqual((await asToken('aaaaaa.0123456789abcdee', ['auth', 'whoami'])).code, 0, 'wrong secret');
    await eventually(async () => (await asToken('aaaaaa.0123456789abcdef', ['auth', 'whoami'])).code !== 0, 60_000, 'the token to expire');
    await eventually(async () => /NotFound/.test((await c.kubectl(['get', 'secret', '-n', 'kube-system', 'bootstrap-token-aaaaaa'])).stderr), 60_000, 'the token cleaner to remove the Secret');
  });

  test('kubectl certificate approve: a kube-apiserver-client CSR is issued and the certificate authenticates as its subject', async () => {
    const { yaml, key } = await csrYaml('jane', { commonName: 'jane', organizations: ['devs'] }, 'kubernetes.io/kube-apiserver-client', ['digital signature', 'client auth']);
    await c.k(['apply', '-f', '-'], yaml);
    const pending = JSON.parse(await c.k(['get', 'csr', 'jane', '-o', 'json']));
    assert.equal(pending.spec.username, 'admin', 'the requester is recorded by the server');
    assert.equal(pending.status?.certificate, undefined);
    assert.match(await c.k(['get', 'csr', 'jane']), /Pending/);
    assert.match(await c.k(['certificate', 'approve', 'jane']), /approved/);
    const issued = await eventually(async () => JSON.parse(await c.k(['get', 'csr', 'jane', '-o', 'json'])).status?.certificate as string | undefined, 30_000, 'the certificate');
    const cert = Buffer.from(issued, 'base64').toString('utf8');
    assert.match(new X509Certificate(cert).subject, /CN=jane/);
    const path = join(dir, 'jane.kubeconfig');
    writeFileSync(path, kubeconfig(c.url, ca, { cert, key }, 'jane'));
    const who = JSON.parse((await c.k(['--kubeconfig', path, 'auth', 'whoami', '-o', 'json'])).toString()).status.userInfo;
    assert.deepEqual(who, { username: 'jane', groups: ['devs', 'system:authenticated'] });
    // Denied requests are never signed; system:masters is refused outright.
    const other = await csrYaml('joe', { commonName: 'joe' }, 'kubernetes.io/kube-apiserver-client', ['client auth']);
    await c.k(['apply', '-f', '-'], other.yaml);
    assert.match(await c.k(['certificate', 'deny', 'joe']), /denied/);
    assert.match(await c.k(['get', 'csr', 'joe']), /Denied/);
    const masters = await csrYaml('root', { commonName: 'root', organizations: ['system:masters'] }, 'kubernetes.io/kube-apiserver-client', ['client auth']);
    const r = await c.kubectl(['apply', '-f', '-'], masters.yaml);
    assert.match(r.stderr, /use of kubernetes.io\/kube-apiserver-client signer with system:masters group is not allowed/);
  });

  test('CSR validation as upstream: usages required, signer qualified, expirationSeconds at least 600', async () => {
    const { yaml } = await csrYaml('bad', { commonName: 'x' }, 'not-qualified', ['client auth']);
    const r = await c.kubectl(['apply', '-f', '-'], yaml.replace('usages: [client auth]', 'usages: []\n  expirationSeconds: 60'));
    assert.match(r.stderr, /spec.usages: Required value/);
    assert.match(r.stderr, /spec.signerName: Invalid value: "not-qualified"/);
    assert.match(r.stderr, /spec.expirationSeconds: Invalid value: 60: may not specify a duration less than 600 seconds \(10 minutes\)/);
  });

  test('node client CSRs of a bootstrap token are auto-approved and signed; other requests from it stay pending', async () => {
    await c.k(['apply', '-f', '-'], tokenSecretYaml('bbbbbb', 'bbbbbbbbbbbbbbbb'));
    const node = await csrYaml('node-n1', { commonName: 'system:node:n1', organizations: ['system:nodes'] }, 'kubernetes.io/kube-apiserver-client-kubelet', ['digital signature', 'client auth']);
    writeFileSync(join(dir, 'node.yaml'), node.yaml);
    const r = await asToken('bbbbbb.bbbbbbbbbbbbbbbb', ['create', '-f', join(dir, 'node.yaml')]);
    assert.equal(r.code, 0, r.stderr);
    const csr = await eventually(async () => {
      const o = JSON.parse(await c.k(['get', 'csr', 'node-n1', '-o', 'json']));
      return o.status?.certificate ? o : undefined;
    }, 30_000, 'node-n1 issued');
    assert.equal(csr.spec.username, 'system:bootstrap:bbbbbb');
    const approved = csr.status.conditions.find((x: { type: string }) => x.type === 'Approved');
    assert.equal(approved.reason, 'AutoApproved');
    assert.equal(approved.message, 'Auto approving kubelet client certificate after SubjectAccessReview.');
    const subject = new X509Certificate(Buffer.from(csr.status.certificate, 'base64')).subject;
    assert.match(subject, /CN=system:node:n1/);
    assert.match(subject, /O=system:nodes/);
    const client = await csrYaml('not-a-node', { commonName: 'mallory' }, 'kubernetes.io/kube-apiserver-client', ['client auth']);
    writeFileSync(join(dir, 'client.yaml'), client.yaml);
    assert.equal((await asToken('bbbbbb.bbbbbbbbbbbbbbbb', ['create', '-f', join(dir, 'client.yaml')])).code, 0);
    await new Promise(r => setTimeout(r, 3000));
    assert.match(await c.k(['get', 'csr', 'not-a-node']), /Pending/);
  });
});

describe('authentication off for anonymous (--anonymous-auth=false)', () => {
  let c: TestCluster;
  before(async () => {
    c = await TestCluster.start({ extraArgs: ['--anonymous-auth=false'] });
  });
  after(async () => {
    await c?.stop();
  });

  test('requests without credentials are 401, health and version included; credentials still work', async () => {
    for (const path of ['/version', '/healthz', '/api']) {
      const r = await anonymousGet(c.url + path);
      assert.equal(r.code, 401, path);
      assert.equal(JSON.parse(r.body).reason, 'Unauthorized');
    }
    assert.match(await c.k(['get', '--raw', '/version']), /"major"/);
  });
});

describe('a joining agent (bootstrap token, CSRs, rotation)', () => {
  let c: NetnsCluster;
  const SIGNING_SECONDS = 120;

  before(async () => {
    c = await NetnsCluster.start({ agents: 1, serverArgs: ['--cluster-signing-duration', `${SIGNING_SECONDS}s`] });
  });
  after(async () => {
    if (!c) return;
    await c.destroy();
    assert.deepEqual(leftoversOf(c), []);
  });

  const certOf = (node: string, name: string) => new X509Certificate(readFileSync(join(c.node(node).dataDir, 'agent', 'pki', `${name}.crt`)));

  test('the agent got its identities through CSRs: system:node:<name> (auto-approved), kube-proxy, k8ts-controller and kubelet-serving', async () => {
    await eventually(async () => /agent-1\s+Ready/.test(await c.k(['get', 'nodes'])), 90_000, 'agent-1 Ready');
    const kubelet = certOf('agent-1', 'kubelet');
    assert.match(kubelet.subject, /CN=system:node:agent-1/);
    assert.match(kubelet.subject, /O=system:nodes/);
    assert.match(certOf('agent-1', 'kube-proxy').subject, /CN=system:kube-proxy/);
    assert.match(certOf('agent-1', 'k8ts-controller').subject, /CN=system:k8ts-controller/);
    const serving = await eventually(() => { try { return certOf('agent-1', 'kubelet-serving'); } catch { return undefined; } }, 60_000, 'the serving certificate');
    assert.match(serving.subjectAltName ?? '', new RegExp(`IP Address:${c.node('agent-1').ip.replace(/\./g, '\\.')}`));
    const ca = new X509Certificate(readFileSync(join(c.server.dataDir, 'tls', 'ca.crt')));
    for (const x of [kubelet, serving]) assert.ok(x.verify(ca.publicKey), 'signed by the cluster CA');
    const csrs = JSON.parse(await c.k(['get', 'csr', '-o', 'json'])).items as { spec: { username: string; signerName: string }; status: { conditions?: { type: string; reason?: string }[] } }[];
    const bootstrap = csrs.find(x => x.spec.signerName === 'kubernetes.io/kube-apiserver-client-kubelet' && x.spec.username.startsWith('system:bootstrap:'));
    assert.ok(bootstrap, 'the node certificate was asked for with the bootstrap token');
    assert.equal(bootstrap.status.conditions?.find(x => x.type === 'Approved')?.reason, 'AutoApproved');
    assert.ok(csrs.some(x => x.spec.signerName === 'kubernetes.io/kubelet-serving' && x.spec.username === 'system:node:agent-1'));
  });

  test('an agent joins with an expiring bootstrap token, and keeps working from its certificates after the token is gone', async () => {
    await c.k(['apply', '-f', '-'], tokenSecretYaml('cccccc', 'cccccccccccccccc', inAnHour(40)));
    await c.stopNode('agent-1');
    // A fresh identity: only the pinned CA is kept, so the node must join again with the new token.
    rmSync(join(c.node('agent-1').dataDir, 'agent', 'pki'), { recursive: true, force: true });
    const tokenFile = join(c.root, 'agent-1.token');
    writeFileSync(tokenFile, 'cccccc.cccccccccccccccc\n');
    await c.restartAgent('agent-1', ['--token-file', tokenFile]);
    const csrs = JSON.parse(await c.k(['get', 'csr', '-o', 'json'])).items as { spec: { username: string } }[];
    assert.ok(csrs.some(x => x.spec.username === 'system:bootstrap:cccccc'));
    await eventually(async () => /NotFound/.test((await c.kubectl(['get', 'secret', '-n', 'kube-system', 'bootstrap-token-cccccc'])).stderr), 90_000, 'the token expired and removed');
    await c.stopNode('agent-1');
    await c.restartAgent('agent-1', ['--token-file', tokenFile]);
    await eventually(async () => /agent-1\s+Ready/.test(await c.k(['get', 'nodes'])), 90_000, 'agent-1 Ready again');
  });

  test('client and serving certificates rotate before they expire; the node stays Ready past the first certificate\'s end', async () => {
    const first = certOf('agent-1', 'kubelet');
    const firstServing = certOf('agent-1', 'kubelet-serving');
    assert.ok(Date.parse(first.validTo) - Date.parse(first.validFrom) <= (SIGNING_SECONDS + 300) * 1000, 'capped by --cluster-signing-duration');
    const end = Date.parse(first.validTo);
    const rotated = await eventually(() => {
      const now = certOf('agent-1', 'kubelet');
      return now.serialNumber !== first.serialNumber ? now : undefined;
    }, end - Date.now() + 30_000, 'the kubelet certificate to rotate');
    assert.match(rotated.subject, /CN=system:node:agent-1/);
    assert.ok(Date.parse(rotated.validTo) > end);
    await eventually(() => certOf('agent-1', 'kubelet-serving').serialNumber !== firstServing.serialNumber, 120_000, 'the serving certificate to rotate');
    // Past the first certificate's end the node still reports through its renewed one.
    while (Date.now() < end + 5_000) await new Promise(r => setTimeout(r, 1000));
    const renewedAt = Date.now();
    await eventually(async () => {
      const lease = JSON.parse(await c.k(['get', 'lease', '-n', 'kube-node-lease', 'agent-1', '-o', 'json']));
      return Date.parse(lease.spec.renewTime) > renewedAt;
    }, 60_000, 'a lease renewal after the first certificate expired');
    const selfRenewals = JSON.parse(await c.k(['get', 'csr', '-o', 'json'])).items.filter((x: { spec: { username: string; signerName: string } }) =>
      x.spec.username === 'system:node:agent-1' && x.spec.signerName === 'kubernetes.io/kube-apiserver-client-kubelet');
    assert.ok(selfRenewals.length >= 1, 'the renewal was a selfnodeclient CSR of the node');
    assert.match(await c.k(['get', 'nodes', 'agent-1']), /Ready/);
  });
});
