import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { RestClient } from '../../client/rest-client.js';
import { createCA, issueCertificate } from '../../pki/certificates.js';
import { NodeStatusLoop } from './node-status-loop.js';

/** An API server keeping objects by path: POST to a collection, GET, PUT, and PATCH (answers the stored object). */
function objectStore(cert: { cert: string; key: string }, requests: string[]): Server {
  const objects = new Map<string, unknown>();
  return createServer(cert, (req, res) => {
    let body = '';
    req.on('data', c => { body += c; });
    req.on('end', () => {
      const path = req.url!.split('?')[0];
      requests.push(`${req.method} ${path}`);
      const answer = (code: number, object: unknown) => {
        res.writeHead(code, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify(object));
      };
      if (req.method === 'POST') {
        const object = JSON.parse(body) as { metadata: { name: string } };
        objects.set(`${path}/${object.metadata.name}`, object);
        return answer(201, object);
      }
      if (req.method === 'PUT') {
        objects.set(path, JSON.parse(body));
        return answer(200, JSON.parse(body));
      }
      const stored = objects.get(req.method === 'PATCH' ? path.replace(/\/status$/, '') : path);
      if (stored) return answer(200, stored);
      answer(404, { kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'NotFound', code: 404, message: `${path} not found` });
    });
  });
}

test('the kubelet renews its Lease at once when its client fails over, not an interval later', async () => {
  const authority = await createCA('status-loop-ca');
  const leaf = await issueCertificate(authority, { commonName: 'server', ipAddresses: ['127.0.0.1'], usage: 'server' });
  const [first, second]: string[][] = [[], []];
  const servers = [objectStore(leaf, first), objectStore(leaf, second)];
  for (const s of servers) await new Promise<void>(r => s.listen(0, '127.0.0.1', r));
  const [a, b] = servers.map(s => `https://127.0.0.1:${(s.address() as AddressInfo).port}`);
  const client = new RestClient({ server: a, failoverServers: [b], ca: authority.cert });
  const rootDir = mkdtempSync(join(tmpdir(), 'k8ts-status-loop-'));
  const loop = new NodeStatusLoop({
    client, registration: { name: 'n1' }, rootDir, addresses: [{ type: 'InternalIP', address: '10.0.0.1' }], kubeletPort: 10250,
    runtimeFacts: async () => ({ images: [] }), log: () => undefined, leaseIntervalMs: 60_000, statusIntervalMs: 60_000,
  });
  try {
    await loop.start();
    assert.ok(first.includes('POST /apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases'), `the Lease created on the first server: ${first}`);
    // The first server goes away: the client's next request (any of its users') moves it to the second.
    await new Promise(r => servers[0].close(r));
    servers[0].closeAllConnections();
    await client.get('/api/v1/nodes/n1').catch(() => undefined);
    assert.equal(client.server, b);
    const renewed = () => second.some(r => r.startsWith('PUT /apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/n1') || r.startsWith('POST /apis/coordination.k8s.io'));
    for (const started = Date.now(); !renewed(); await sleep(20)) assert.ok(Date.now() - started < 5_000, `the Lease renewed through the second server, long before the 60 s interval: ${second}`);
  } finally {
    loop.stop();
    client.close();
    servers[1].close();
    rmSync(rootDir, { recursive: true, force: true });
  }
});
