import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { RestClient } from '../../client/rest-client.js';
import type { PodObject } from '../types.js';
import { TokenManager } from './token-manager.js';

/**
 * The refresh policy against a clock the test moves: a recording TokenRequest endpoint stands in
 * for the API server (the real one is exercised end to end in test/e2e/serviceaccount-tokens and
 * kubelet-containers).
 */
function tokenApi(clock: { now: number }) {
  const calls: { path: string; body: any }[] = [];
  let fail = false;
  const client = {
    async create(path: string, body: any) {
      calls.push({ path, body });
      if (fail) throw new Error('API down');
      const exp = new Date(clock.now + body.spec.expirationSeconds * 1000).toISOString().replace(/\.\d+Z$/, 'Z');
      return { spec: body.spec, status: { token: `t${calls.length}`, expirationTimestamp: exp } };
    },
  } as unknown as RestClient;
  return { client, calls, setFailing: (f: boolean) => { fail = f; } };
}

const pod = { metadata: { name: 'web', namespace: 'ns', uid: 'u1' }, spec: { serviceAccountName: 'app', containers: [] } } as PodObject;

test('a pod-bound token is requested once, refreshed in the last 20% of its life, kept if refresh fails', async () => {
  const clock = { now: Date.parse('2026-01-01T00:00:00Z') };
  const api = tokenApi(clock);
  const tm = new TokenManager(api.client, () => clock.now);
  const projection = { path: 'token', audience: 'vault', expirationSeconds: 1000 };
  assert.equal(await tm.podToken(pod, projection), 't1');
  assert.equal(api.calls[0].path, '/api/v1/namespaces/ns/serviceaccounts/app/token');
  assert.deepEqual(api.calls[0].body.spec, {
    audiences: ['vault'], expirationSeconds: 1000, boundObjectRef: { apiVersion: 'v1', kind: 'Pod', name: 'web', uid: 'u1' },
  });
  clock.now += 700_000; // 70%: still fresh (the jitter is at most 10 s)
  assert.equal(await tm.podToken(pod, projection), 't1');
  assert.equal(api.calls.length, 1);
  clock.now += 110_000; // 81%
  assert.equal(await tm.podToken(pod, projection), 't2');
  // Another audience is another token; the API's default audience is asked for by sending none.
  await tm.podToken(pod, { path: 'token', expirationSeconds: 1000 });
  assert.equal(api.calls[2].body.spec.audiences, undefined);

  clock.now += 900_000; // t2 is due, the API fails: t2 serves until it expires
  api.setFailing(true);
  assert.equal(await tm.podToken(pod, projection), 't2');
  clock.now += 200_000;
  await assert.rejects(tm.podToken(pod, projection), /API down/);
  api.setFailing(false);

  tm.forgetPod('u1');
  const before = api.calls.length;
  await tm.podToken(pod, projection);
  assert.equal(api.calls.length, before + 1, 'a forgotten pod asks again');
});

test('a long-lived token is refreshed after 24 hours', async () => {
  const clock = { now: Date.parse('2026-01-01T00:00:00Z') };
  const api = tokenApi(clock);
  const tm = new TokenManager(api.client, () => clock.now);
  const projection = { path: 'token', expirationSeconds: 7 * 24 * 3600 };
  await tm.podToken(pod, projection);
  clock.now += 23 * 3600_000;
  await tm.podToken(pod, projection);
  assert.equal(api.calls.length, 1);
  clock.now += 3600_000;
  await tm.podToken(pod, projection);
  assert.equal(api.calls.length, 2);
});
