import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../../api/object.js';
import { buildClaims, ISSUER, TokenRejectedError, validateClaims, type ClaimObjects } from './claims.js';

const obj = (name: string, uid: string, extra: Partial<KubeObject['metadata']> = {}): KubeObject =>
  ({ metadata: { name, namespace: 'ns', uid, ...extra } }) as KubeObject;
const sa = obj('app', 'sa-uid');
const pod = obj('web', 'pod-uid');
const node = { metadata: { name: 'n1', uid: 'node-uid' } } as KubeObject;
const NOW = 1_800_000_000;

function objects(o: { sa?: KubeObject; pod?: KubeObject; secret?: KubeObject; node?: KubeObject } = { sa, pod }): ClaimObjects {
  return {
    serviceAccount: (ns, name) => (o.sa && ns === 'ns' && name === o.sa.metadata.name ? o.sa : undefined),
    pod: (ns, name) => (o.pod && ns === 'ns' && name === o.pod.metadata.name ? o.pod : undefined),
    secret: (ns, name) => (o.secret && ns === 'ns' && name === o.secret.metadata.name ? o.secret : undefined),
    node: name => (o.node && name === o.node.metadata.name ? o.node : undefined),
  };
}

test('claims are upstream\'s: registered claims and the kubernetes.io binding', () => {
  const c = buildClaims(sa, { pod, node }, [ISSUER], 3600, NOW);
  assert.equal(c.iss, 'https://kubernetes.default.svc.cluster.local');
  assert.equal(c.sub, 'system:serviceaccount:ns:app');
  assert.deepEqual([c.iat, c.nbf, c.exp], [NOW, NOW, NOW + 3600]);
  assert.match(c.jti, /^[0-9a-f-]{36}$/);
  assert.deepEqual(c['kubernetes.io'], {
    namespace: 'ns', serviceaccount: { name: 'app', uid: 'sa-uid' }, pod: { name: 'web', uid: 'pod-uid' }, node: { name: 'n1', uid: 'node-uid' },
  });
  assert.equal(buildClaims(sa, { pod }, [ISSUER], 31536000, NOW, 3607)['kubernetes.io'].warnafter, NOW + 3607);
  assert.deepEqual(buildClaims(sa, { node }, ['x'], 600, NOW)['kubernetes.io'].node, { name: 'n1', uid: 'node-uid' });
});

test('a valid pod-bound token is the service account, with the pod in extra', () => {
  const c = buildClaims(sa, { pod, node }, ['other', ISSUER], 3600, NOW);
  const { user, audiences } = validateClaims(c, [ISSUER], objects(), NOW + 10);
  assert.deepEqual(audiences, [ISSUER]);
  assert.deepEqual(user, {
    username: 'system:serviceaccount:ns:app', uid: 'sa-uid',
    groups: ['system:serviceaccounts', 'system:serviceaccounts:ns', 'system:authenticated'],
    extra: {
      'authentication.kubernetes.io/pod-name': ['web'], 'authentication.kubernetes.io/pod-uid': ['pod-uid'],
      'authentication.kubernetes.io/node-name': ['n1'], 'authentication.kubernetes.io/node-uid': ['node-uid'],
      'authentication.kubernetes.io/credential-id': [`JTI=${c.jti}`],
    },
  });
});

test('time, audience, issuer and the named objects are all checked', () => {
  const c = buildClaims(sa, { pod }, [ISSUER], 3600, NOW);
  const rejects = (claims: object, msg: RegExp, objs = objects(), now = NOW) =>
    assert.throws(() => validateClaims(claims, [ISSUER], objs, now), (e: Error) => e instanceof TokenRejectedError && msg.test(e.message));
  // A minute of clock skew is tolerated either way.
  validateClaims(c, [ISSUER], objects(), NOW + 3600 + 60);
  rejects(c, /service account token has expired/, objects(), NOW + 3600 + 61);
  validateClaims(c, [ISSUER], objects(), NOW - 60);
  rejects(c, /could not be validated/, objects(), NOW - 61);
  rejects({ ...c, aud: ['vault'] }, /token audiences \["vault"\] is invalid for the target audiences \["https:\/\/kubernetes.default.svc.cluster.local"\]/);
  rejects({ ...c, iss: 'https://elsewhere' }, /issuer/);
  rejects({ ...c, 'kubernetes.io': undefined }, /claims could not be retrieved/);
  rejects(c, /service account ns\/app has been deleted/, objects({ pod }));
  rejects(c, /service account UID \(new-uid\) does not match claim \(sa-uid\)/, objects({ sa: obj('app', 'new-uid'), pod }));
  rejects(c, /pod ns\/web has been deleted/, objects({ sa }));
  rejects(c, /pod UID \(other\) does not match claim \(pod-uid\)/, objects({ sa, pod: obj('web', 'other') }));
  // A pod being deleted still backs its tokens for the leeway, then no more.
  const deleting = (ago: number) => obj('web', 'pod-uid', { deletionTimestamp: new Date((NOW - ago) * 1000).toISOString() });
  validateClaims(c, [ISSUER], objects({ sa, pod: deleting(30) }), NOW);
  rejects(c, /pod ns\/web has been deleted/, objects({ sa, pod: deleting(120) }));
  const secret = obj('s', 'secret-uid');
  const bySecret = buildClaims(sa, { secret }, [ISSUER], 3600, NOW);
  assert.equal(validateClaims(bySecret, [ISSUER], objects({ sa, secret }), NOW).user.extra?.['authentication.kubernetes.io/pod-name'], undefined);
  rejects(bySecret, /secret ns\/s has been deleted/, objects({ sa }));
  // A node-bound token needs its node; a pod-bound one only names it.
  const byNode = buildClaims(sa, { node }, [ISSUER], 3600, NOW);
  assert.equal(validateClaims(byNode, [ISSUER], objects({ sa, node }), NOW).user.extra?.['authentication.kubernetes.io/node-name']?.[0], 'n1');
  rejects(byNode, /service account token has been invalidated/, objects({ sa }));
  rejects(byNode, /node UID \(n2\) does not match claim \(node-uid\)/, objects({ sa, node: { metadata: { name: 'n1', uid: 'n2' } } as KubeObject }));
  validateClaims(buildClaims(sa, { pod, node }, [ISSUER], 3600, NOW), [ISSUER], objects({ sa, pod }), NOW);
});
