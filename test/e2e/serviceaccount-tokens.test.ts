// Service-account tokens end to end with the real kubectl: `kubectl create token` (TokenRequest),
// the API server authenticating those tokens (`kubectl --token ... auth whoami`) and rejecting
// expired, foreign, orphaned and unbound ones, TokenReview, and the ServiceAccount admission
// plugin's defaulting and kube-api-access volume, and issuer discovery (OIDC configuration, JWKS).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createPrivateKey, createPublicKey, generateKeyPairSync, verify } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { buildClaims } from '../../src/apiserver/auth/serviceaccount/claims.js';
import { JwtSigner } from '../../src/apiserver/auth/serviceaccount/jwt.js';
import { eventually, TestCluster } from './harness.js';

const MOUNT = '/var/run/secrets/kubernetes.io/serviceaccount';

interface PodJson {
  spec: {
    serviceAccountName?: string;
    serviceAccount?: string;
    volumes?: { name: string; projected?: { defaultMode?: number; sources: Record<string, any>[] } }[];
    containers: { name: string; volumeMounts?: { name: string; mountPath: string; readOnly?: boolean }[] }[];
    initContainers?: { name: string; volumeMounts?: { name: string; mountPath: string; readOnly?: boolean }[] }[];
  };
}

describe('service account tokens', () => {
  let c: TestCluster;

  before(async () => {
    c = await TestCluster.start();
    await c.k(['create', 'namespace', 'tok']);
    // The service-account controller makes `default` once it runs (after its own credentials), as upstream's.
    await eventually(async () => (await c.kubectl(['get', 'serviceaccount', 'default'])).code === 0, 60_000, 'the default service account');
  });
  after(async () => {
    await c?.stop();
    // The restarted server was given the data dir, so it is not its to remove.
    if (c) rmSync(c.dataDir, { recursive: true, force: true });
  });

  /** kubectl with nothing but the bearer token (no client certificate to fall back on). */
  const asToken = (token: string, args: string[]) => c.kubectl([
    '--kubeconfig', '/dev/null', '--server', c.url, '--certificate-authority', join(c.dataDir, 'tls', 'ca.crt'), '--token', token, ...args,
  ]);
  async function whoami(token: string): Promise<{ username: string; uid?: string; groups: string[]; extra?: Record<string, string[]> }> {
    const r = await asToken(token, ['auth', 'whoami', '-o', 'json']);
    assert.equal(r.code, 0, r.stderr);
    return JSON.parse(r.stdout).status.userInfo;
  }
  async function rejected(token: string): Promise<void> {
    const r = await asToken(token, ['auth', 'whoami']);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /Unauthorized/);
  }
  const token = async (args: string[]) => (await c.k(['create', 'token', ...args])).trim();
  const payload = (t: string) => JSON.parse(Buffer.from(t.split('.')[1], 'base64url').toString());
  const getPod = async (ns: string, name: string) => JSON.parse(await c.k(['get', 'pod', '-n', ns, name, '-o', 'json'])) as PodJson;

  test('kubectl create token: a token that authenticates as the service account', async () => {
    const t = await token(['default']);
    const claims = payload(t);
    assert.equal(claims.iss, 'https://kubernetes.default.svc.cluster.local');
    assert.equal(claims.sub, 'system:serviceaccount:default:default');
    assert.deepEqual(claims.aud, ['https://kubernetes.default.svc.cluster.local']);
    assert.equal(claims.exp - claims.iat, 3600);
    const sa = JSON.parse(await c.k(['get', 'sa', 'default', '-o', 'json']));
    assert.deepEqual(claims['kubernetes.io'], { namespace: 'default', serviceaccount: { name: 'default', uid: sa.metadata.uid } });
    const u = await whoami(t);
    assert.equal(u.username, 'system:serviceaccount:default:default');
    assert.equal(u.uid, sa.metadata.uid);
    assert.deepEqual(u.groups, ['system:serviceaccounts', 'system:serviceaccounts:default', 'system:authenticated']);
    assert.deepEqual(u.extra?.['authentication.kubernetes.io/credential-id'], [`JTI=${claims.jti}`]);
    // The table form, as a user reads it.
    const table = await asToken(t, ['auth', 'whoami']);
    assert.match(table.stdout, /Username\s+system:serviceaccount:default:default/);
    // With a client certificate as well, the certificate decides, as upstream.
    assert.match(await c.k(['--token', t, 'auth', 'whoami']), /Username\s+admin\n/);

    const long = payload(await token(['default', '--duration', '2h', '--audience', 'vault']));
    assert.equal(long.exp - long.iat, 7200);
    assert.deepEqual(long.aud, ['vault']);
    const short = await c.kubectl(['create', 'token', 'default', '--duration', '5m']);
    assert.match(short.stderr, /spec\.expirationSeconds: Invalid value: 300: may not specify a duration less than 10 minutes/);
    const missing = await c.kubectl(['create', 'token', 'nobody']);
    assert.match(missing.stderr, /serviceaccounts "nobody" not found/);
  });

  test('expired, foreign, wrong-audience and orphaned tokens get 401', async () => {
    const sa = JSON.parse(await c.k(['get', 'sa', 'default', '-o', 'json']));
    const now = Math.floor(Date.now() / 1000);
    const ours = new JwtSigner(createPrivateKey(readFileSync(join(c.dataDir, 'tls', 'service.key'))));
    const aud = ['https://kubernetes.default.svc.cluster.local'];
    // Signed with the server's key, but two hours old with a one-hour lifetime.
    await rejected(ours.sign(buildClaims(sa, {}, aud, 3600, now - 7200)));
    // The same claims, fresh, pass: so the rejections are about what differs.
    assert.equal((await whoami(ours.sign(buildClaims(sa, {}, aud, 3600, now)))).username, 'system:serviceaccount:default:default');
    const foreign = new JwtSigner(generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey);
    await rejected(foreign.sign(buildClaims(sa, {}, aud, 3600, now)));
    await rejected(await token(['default', '--audience', 'vault']));

    await c.k(['create', 'sa', 'robot', '-n', 'tok']);
    const t = await token(['robot', '-n', 'tok']);
    assert.equal((await whoami(t)).username, 'system:serviceaccount:tok:robot');
    await c.k(['delete', 'sa', 'robot', '-n', 'tok']);
    await rejected(t);
    // A new account of the same name is another identity.
    await c.k(['create', 'sa', 'robot', '-n', 'tok']);
    await rejected(t);
  });

  test('a pod-bound token carries the pod and dies with it', async () => {
    await c.k(['run', 'bound', '-n', 'tok', '--image=busybox']);
    const pod = JSON.parse(await c.k(['get', 'pod', 'bound', '-n', 'tok', '-o', 'json']));
    const t = await token(['default', '-n', 'tok', '--bound-object-kind', 'Pod', '--bound-object-name', 'bound']);
    const u = await whoami(t);
    assert.equal(u.username, 'system:serviceaccount:tok:default');
    assert.deepEqual(u.extra?.['authentication.kubernetes.io/pod-name'], ['bound']);
    assert.deepEqual(u.extra?.['authentication.kubernetes.io/pod-uid'], [pod.metadata.uid]);
    const mismatch = await c.kubectl(['create', 'token', 'robot', '-n', 'tok', '--bound-object-kind', 'Pod', '--bound-object-name', 'bound']);
    assert.match(mismatch.stderr, /cannot bind token for serviceaccount "robot" to pod running with different serviceaccount name/);

    // TokenReview says the same as the request path.
    const review = (tok: string, audiences?: string[]) => c.k(['create', '--validate=false', '-o', 'json', '-f', '-'],
      JSON.stringify({ apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: { token: tok, ...(audiences ? { audiences } : {}) } }));
    const ok = JSON.parse(await review(t)).status;
    assert.equal(ok.authenticated, true);
    assert.equal(ok.user.username, 'system:serviceaccount:tok:default');
    assert.deepEqual(ok.audiences, ['https://kubernetes.default.svc.cluster.local']);
    assert.equal(JSON.parse(await review(t, ['vault'])).status.authenticated, false);

    await c.k(['delete', 'pod', 'bound', '-n', 'tok', '--grace-period=0', '--force']);
    await rejected(t);
    const gone = JSON.parse(await review(t)).status;
    assert.equal(gone.authenticated, false);
    assert.match(gone.error, /pod tok\/bound has been deleted/);
    const late = await c.kubectl(['create', 'token', 'default', '-n', 'tok', '--bound-object-kind', 'Pod', '--bound-object-name', 'bound']);
    assert.match(late.stderr, /pods "bound" not found/);
  });

  test('secret- and node-bound tokens need their object, with its uid', async () => {
    await c.k(['create', 'secret', 'generic', 'key', '-n', 'tok', '--from-literal=a=b']);
    const st = await token(['default', '-n', 'tok', '--bound-object-kind', 'Secret', '--bound-object-name', 'key']);
    assert.equal((await whoami(st)).username, 'system:serviceaccount:tok:default');
    const wrongUid = await c.kubectl(['create', 'token', 'default', '-n', 'tok', '--bound-object-kind', 'Secret', '--bound-object-name', 'key', '--bound-object-uid', '0d4691ed-659b-4935-a832-355f77ee47cc']);
    assert.match(wrongUid.stderr, /the UID in the bound object reference \(0d4691ed-659b-4935-a832-355f77ee47cc\) does not match the UID in record/);
    await c.k(['delete', 'secret', 'key', '-n', 'tok']);
    await rejected(st);

    await c.k(['create', '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'tok-node' } }));
    const nt = await token(['default', '-n', 'tok', '--bound-object-kind', 'Node', '--bound-object-name', 'tok-node']);
    assert.deepEqual((await whoami(nt)).extra?.['authentication.kubernetes.io/node-name'], ['tok-node']);
    await c.k(['delete', 'node', 'tok-node']);
    await rejected(nt);
  });

  test('admission: pods run as default, get the kube-api-access volume, unless automount is off', async () => {
    await c.k(['apply', '-f', '-'], JSON.stringify({
      apiVersion: 'v1', kind: 'Pod', metadata: { name: 'api', namespace: 'tok' },
      spec: {
        initContainers: [{ name: 'init', image: 'busybox' }],
        containers: [{ name: 'a', image: 'busybox' }, { name: 'own', image: 'busybox', volumeMounts: [{ name: 'mine', mountPath: MOUNT }] }],
        volumes: [{ name: 'mine', emptyDir: {} }],
      },
    }));
    const p = await getPod('tok', 'api');
    assert.equal(p.spec.serviceAccountName, 'default');
    assert.equal(p.spec.serviceAccount, 'default', 'the deprecated alias, as upstream writes it');
    const vol = p.spec.volumes!.find(v => v.name.startsWith('kube-api-access-'))!;
    assert.match(vol.name, /^kube-api-access-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    assert.deepEqual(vol.projected, {
      defaultMode: 420,
      sources: [
        { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
        { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
        { downwardAPI: { items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] } },
      ],
    });
    const mount = { name: vol.name, mountPath: MOUNT, readOnly: true };
    assert.deepEqual(p.spec.initContainers![0].volumeMounts, [mount]);
    assert.deepEqual(p.spec.containers[0].volumeMounts, [mount]);
    assert.deepEqual(p.spec.containers[1].volumeMounts, [{ name: 'mine', mountPath: MOUNT }], 'an existing mount at the path is kept');

    await c.k(['run', 'off', '-n', 'tok', '--image=busybox', '--overrides', JSON.stringify({ spec: { automountServiceAccountToken: false } })]);
    assert.equal((await getPod('tok', 'off')).spec.volumes, undefined);
    await c.k(['create', 'sa', 'quiet', '-n', 'tok']);
    await c.k(['patch', 'sa', 'quiet', '-n', 'tok', '-p', '{"automountServiceAccountToken":false}']);
    await c.k(['run', 'quiet', '-n', 'tok', '--image=busybox', '--overrides', JSON.stringify({ spec: { serviceAccountName: 'quiet' } })]);
    assert.equal((await getPod('tok', 'quiet')).spec.volumes, undefined);
    // The pod's own choice wins over its account's.
    await c.k(['run', 'loud', '-n', 'tok', '--image=busybox', '--overrides', JSON.stringify({ spec: { serviceAccountName: 'quiet', automountServiceAccountToken: true } })]);
    assert.equal((await getPod('tok', 'loud')).spec.volumes?.length, 1);

    const r = await c.kubectl(['run', 'stranger', '-n', 'tok', '--image=busybox', '--overrides', JSON.stringify({ spec: { serviceAccountName: 'ghost' } })]);
    assert.match(r.stderr, /pods "stranger" is forbidden: error looking up service account tok\/ghost: serviceaccount "ghost" not found/);
  });

  test('issuer discovery: the OpenID configuration and JWK set verify a token offline', async () => {
    const config = JSON.parse(await c.k(['get', '--raw', '/.well-known/openid-configuration']));
    assert.equal(config.issuer, 'https://kubernetes.default.svc.cluster.local');
    assert.equal(config.jwks_uri, `${c.url}/openid/v1/jwks`);
    assert.deepEqual(config.id_token_signing_alg_values_supported, ['RS256']);
    const jwks = JSON.parse(await c.k(['get', '--raw', '/openid/v1/jwks']));
    const t = await token(['default']);
    const [h, p, sig] = t.split('.');
    const jwk = jwks.keys.find((k: { kid: string }) => k.kid === JSON.parse(Buffer.from(h, 'base64url').toString()).kid);
    assert.equal(jwk.use, 'sig');
    assert.ok(verify('sha256', Buffer.from(`${h}.${p}`), createPublicKey({ key: jwk, format: 'jwk' }), Buffer.from(sig, 'base64url')));
  });

  test('tokens stay valid across a server restart (the signing key is kept)', async () => {
    const t = await token(['default']);
    await c.stop('SIGTERM', true);
    c = await TestCluster.start({ dataDir: c.dataDir });
    assert.equal((await whoami(t)).username, 'system:serviceaccount:default:default');
  });
});
