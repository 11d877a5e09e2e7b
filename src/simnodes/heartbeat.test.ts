import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { NodeObject } from '../api/node-object.js';
import { RestClient } from '../client/rest-client.js';
import { ServerList } from '../client/server-discovery.js';
import { createCA, issueCertificate } from '../pki/certificates.js';
import { Limiter } from '../util/limiter.js';
import { Heartbeats } from './heartbeat.js';
import { DEFAULTS } from './options.js';
import { NodeRegistry } from './registry.js';

test('a node whose client fails over renews its Lease at once through the new server, not at its next slice', async () => {
  const authority = await createCA('heartbeat-ca');
  const leaf = await issueCertificate(authority, { commonName: 'server', ipAddresses: ['127.0.0.1'], usage: 'server' });
  // The server the nodes fail over to: it takes every Lease PUT, echoing the Lease back.
  const puts: string[] = [];
  const up: Server = createServer({ cert: leaf.cert, key: leaf.key }, (req, res) => {
    let body = '';
    req.on('data', c => { body += c; });
    req.on('end', () => {
      if (req.method === 'PUT') puts.push(req.url!);
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(body || JSON.stringify({ kind: 'Pod', metadata: { name: 'x' } }));
    });
  });
  // The server that died: its port refuses connections.
  const gone = createServer();
  await new Promise<void>(r => gone.listen(0, '127.0.0.1', r));
  const down = `https://127.0.0.1:${(gone.address() as AddressInfo).port}`;
  await new Promise(r => gone.close(r));
  await new Promise<void>(r => up.listen(0, '127.0.0.1', r));
  const upUrl = `https://127.0.0.1:${(up.address() as AddressInfo).port}`;

  // One renewal slice a second over an hour: node i's slice comes i + 1 seconds after start.
  const o = { ...DEFAULTS, count: 8, namePrefix: 'hb-', heartbeatIntervalMs: 3_600_000 };
  const list = new ServerList([down, upUrl]);
  const config = { server: down, failoverServers: [upUrl], ca: authority.cert };
  const shared = new RestClient({ ...config, serverList: list });
  const registry = new NodeRegistry(shared, o, new Limiter(4));
  const [failing, steady] = [registry.get('hb-6')!, registry.get('hb-7')!];
  failing.client = new RestClient({ ...config, serverList: list });
  steady.client = new RestClient({ ...config, serverList: new ServerList([down, upUrl]) });
  for (const n of [failing, steady]) {
    n.node = { apiVersion: 'v1', kind: 'Node', metadata: { name: n.name, uid: `uid-${n.name}` } } as NodeObject;
    n.lease = { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: n.name, namespace: 'kube-node-lease', resourceVersion: '1' }, spec: {} };
  }
  const heartbeats = new Heartbeats(registry, o, () => undefined);
  heartbeats.start();
  try {
    // Another client of the process (an informer's) finds the nodes' server gone.
    await shared.get('/api/v1/pods/x');
    for (const started = Date.now(); !puts.length; await sleep(20)) assert.ok(Date.now() - started < 3_000, 'the failed-over node renewed');
    assert.deepEqual(puts, ['/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/hb-6'], 'the node whose client failed over, not the other, long before their slices (7 and 8 s)');
    assert.equal(failing.client.server, upUrl);
    assert.equal(Date.parse((failing.lease!.spec as { renewTime: string }).renewTime) > 0, true, 'the renewed Lease is kept for the next renewal');
    assert.equal(steady.client.server, down);
  } finally {
    heartbeats.stop();
    for (const c of [shared, failing.client, steady.client]) c.close();
    up.close();
  }
});
