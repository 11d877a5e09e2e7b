import assert from 'node:assert/strict';
import type { Server } from 'node:https';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { startLoopbackHttps } from '../pki/loopback-https.js';
import { ApiEventRecorder } from './event-recorder.js';
import { RestClient } from './rest-client.js';

describe('ApiEventRecorder', () => {
  let server: Server;
  let base: string;
  let ca: string;
  /** Event creates the server received, by the involved object's name. */
  const creates = new Map<string, number>();
  /** How to answer the next creates for an object: 'cut' drops the connection, a number is a status. */
  const plan = new Map<string, ('cut' | number)[]>();

  before(async () => {
    ({ server, url: base, ca } = await startLoopbackHttps((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', c => chunks.push(c));
      req.on('end', () => {
        const event = JSON.parse(Buffer.concat(chunks).toString()) as { involvedObject: { name: string } };
        const name = event.involvedObject.name;
        creates.set(name, (creates.get(name) ?? 0) + 1);
        const answer = plan.get(name)?.shift() ?? 201;
        if (answer === 'cut') {
          req.socket.destroy();
          return;
        }
        res.writeHead(answer, { 'Content-Type': 'application/json' });
        res.end(answer === 201 ? JSON.stringify(event)
          : JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', reason: 'Invalid', message: 'Event is invalid', code: answer }));
      });
    }));
  });

  after(() => server.close());

  const pod = (name: string) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'ns', uid: `uid-${name}` } });

  async function waitForCreates(name: string, count: number): Promise<void> {
    for (const deadline = Date.now() + 10_000; (creates.get(name) ?? 0) < count; await sleep(10)) {
      assert.ok(Date.now() < deadline, `${name}: ${creates.get(name) ?? 0} creates, expected ${count}`);
    }
  }

  it('tries again a write the server never answered, until it is taken', async () => {
    const client = new RestClient({ server: base, ca });
    try {
      plan.set('cut-twice', ['cut', 'cut']);
      new ApiEventRecorder(client, 'test', { retryDelayMs: 50 }).event(pod('cut-twice'), 'Warning', 'Failed', 'it failed');
      await waitForCreates('cut-twice', 3);
      await sleep(300);
      assert.equal(creates.get('cut-twice'), 3, 'taken on the third try, not sent again');
    } finally {
      client.close();
    }
  });

  it('drops a write the server refused, as upstream does, and one that failed 12 times', async () => {
    const client = new RestClient({ server: base, ca });
    try {
      const recorder = new ApiEventRecorder(client, 'test', { retryDelayMs: 20 });
      plan.set('refused', [422]);
      recorder.event(pod('refused'), 'Warning', 'Failed', 'it failed');
      plan.set('unreachable', Array<'cut'>(20).fill('cut'));
      recorder.event(pod('unreachable'), 'Warning', 'Failed', 'it failed');
      await waitForCreates('unreachable', 12);
      await sleep(300);
      assert.equal(creates.get('refused'), 1);
      assert.equal(creates.get('unreachable'), 12);
    } finally {
      client.close();
    }
  });
});
