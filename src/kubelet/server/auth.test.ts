import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { test } from 'node:test';
import { KubeletAuth, kubeletRequestAttributes, type KubeletRequestAttributes, type KubeletUser, type ReviewClient } from './auth.js';

test('requests map to upstream\'s attributes: verb from the method, a nodes subresource from the path', () => {
  const at = (method: string, path: string) => { const a = kubeletRequestAttributes(method, path, 'n1'); return `${a.verb} ${a.resource}/${a.subresource} ${a.name}`; };
  assert.equal(at('GET', '/stats/summary'), 'get nodes/stats n1');
  assert.equal(at('GET', '/stats'), 'get nodes/stats n1');
  assert.equal(at('GET', '/metrics'), 'get nodes/metrics n1');
  assert.equal(at('GET', '/metrics/resource'), 'get nodes/metrics n1');
  assert.equal(at('GET', '/metricsfoo'), 'get nodes/proxy n1');
  assert.equal(at('GET', '/logs/syslog'), 'get nodes/log n1');
  assert.equal(at('POST', '/checkpoint/ns/p/c'), 'create nodes/checkpoint n1');
  assert.equal(at('GET', '/containerLogs/ns/p/c'), 'get nodes/proxy n1');
  assert.equal(at('POST', '/exec/ns/p/c'), 'create nodes/proxy n1');
  assert.equal(at('GET', '/pods'), 'get nodes/proxy n1');
  assert.equal(at('GET', '/healthz'), 'get nodes/proxy n1');
  assert.equal(at('PUT', '/x'), 'update nodes/proxy n1');
  assert.equal(at('DELETE', '/x'), 'delete nodes/proxy n1');
});

function fakeReviews(users: Record<string, KubeletUser>, allowed: (u: KubeletUser, a: KubeletRequestAttributes) => boolean) {
  const calls = { token: 0, access: 0 };
  const reviews: ReviewClient = {
    async tokenReview(token) { calls.token++; return users[token]; },
    async subjectAccessReview(u, a) { calls.access++; return allowed(u, a); },
  };
  return { reviews, calls };
}

const request = (path: string, token?: string, method = 'GET') =>
  ({ method, url: path, headers: token ? { authorization: `Bearer ${token}` } : {}, socket: { authorized: false } }) as unknown as IncomingMessage;

async function status(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return '200';
  } catch (err) {
    const e = err as { code: number; message: string };
    return `${e.code} ${e.message}`;
  }
}

test('anonymous and unknown tokens are 401; a known user is asked about, and answers are cached', async () => {
  let clock = 0;
  const { reviews, calls } = fakeReviews(
    { good: { username: 'metrics', groups: ['system:authenticated'] }, plain: { username: 'bob', groups: ['system:authenticated'] } },
    (u, a) => u.username === 'metrics' && a.subresource === 'stats',
  );
  const auth = new KubeletAuth(reviews, 'n1', () => clock);
  assert.equal(await status(auth.check(request('/stats/summary'))), '401 Unauthorized');
  assert.equal(await status(auth.check(request('/stats/summary', 'bad'))), '401 Unauthorized');
  assert.equal(await status(auth.check(request('/stats/summary', 'good'))), '200');
  assert.equal(await status(auth.check(request('/pods', 'good'))), '403 Forbidden (user=metrics, verb=get, resource=nodes, subresource=proxy)');
  assert.equal(await status(auth.check(request('/exec/ns/p/c', 'plain', 'POST'))), '403 Forbidden (user=bob, verb=create, resource=nodes, subresource=proxy)');
  const before = { ...calls };
  assert.equal(await status(auth.check(request('/stats/summary', 'good'))), '200');
  assert.deepEqual(calls, before, 'the token and the decision come from the caches');
  // A denial is remembered 30 s, a token 2 min, an allow 5 min.
  clock = 31_000;
  await auth.check(request('/pods', 'good')).catch(() => undefined);
  assert.equal(calls.access, before.access + 1);
  assert.equal(calls.token, before.token);
  clock = 6 * 60_000;
  await auth.check(request('/stats/summary', 'good'));
  assert.equal(calls.token, before.token + 1);
  assert.equal(calls.access, before.access + 2);
});

test('an API server that cannot answer: 401 for tokens, 500 for decisions, nothing cached', async () => {
  const up = { token: false, access: false };
  const reviews: ReviewClient = {
    async tokenReview() { if (!up.token) throw new Error('connection refused'); return { username: 'u', groups: [] }; },
    async subjectAccessReview() { if (!up.access) throw new Error('connection refused'); return true; },
  };
  const auth = new KubeletAuth(reviews, 'n1');
  assert.equal(await status(auth.check(request('/pods', 't'))), '401 Unauthorized');
  up.token = true;
  assert.equal(await status(auth.check(request('/pods', 't'))), '500 Authorization error (user=u, verb=get, resource=nodes, subresource=proxy)');
  up.access = true;
  assert.equal(await status(auth.check(request('/pods', 't'))), '200');
});
