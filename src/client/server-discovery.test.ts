import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { KubeObject } from '../api/object.js';
import { startLoopbackHttps } from '../pki/loopback-https.js';
import { RestClient } from './rest-client.js';
import { ServerList, serversFromEndpoints, startServerDiscovery } from './server-discovery.js';

test('the kubernetes Endpoints give one URL per address and port', () => {
  const endpoints = { apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'kubernetes' }, subsets: [
    { addresses: [{ ip: '10.0.0.1' }, { ip: '10.0.0.2' }], ports: [{ name: 'https', port: 6443, protocol: 'TCP' }] },
    { addresses: [{ ip: 'fd00::3' }], ports: [{ name: 'https', port: 7443, protocol: 'TCP' }] },
  ] } as KubeObject;
  assert.deepEqual(serversFromEndpoints(endpoints), ['https://10.0.0.1:6443', 'https://10.0.0.2:6443', 'https://[fd00::3]:7443']);
  assert.deepEqual(serversFromEndpoints({ apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'kubernetes' } } as KubeObject), []);
});

test('a server list keeps its configured servers first and tells listeners of changes only', () => {
  const list = new ServerList(['https://lb:6443']);
  const heard: string[][] = [];
  list.subscribe(urls => heard.push(urls));
  list.learn(['https://10.0.0.1:6443', 'https://lb:6443']);
  list.learn(['https://10.0.0.1:6443']);
  list.learn([]);
  assert.deepEqual(heard, [['https://lb:6443', 'https://10.0.0.1:6443'], ['https://lb:6443']]);
  assert.deepEqual(list.current, ['https://lb:6443']);
});

test('discovery watches the kubernetes Endpoints: a joining server is used and a leaving one dropped at once, with no polling', async () => {
  const requests: string[] = [];
  let watch: ServerResponse | undefined;
  const endpoints = (ips: string[], rv: string) => ({ apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'kubernetes', namespace: 'default', resourceVersion: rv },
    subsets: [{ addresses: ips.map(ip => ({ ip })), ports: [{ name: 'https', port: 6443, protocol: 'TCP' }] }] });
  const { server, url: base, ca } = await startLoopbackHttps((req, res) => {
    requests.push(req.url!);
    res.writeHead(200, { 'Content-Type': 'application/json' });
    if (req.url!.includes('watch=true')) {
      watch = res;
      res.flushHeaders();
    } else {
      res.end(JSON.stringify({ apiVersion: 'v1', kind: 'EndpointsList', metadata: { resourceVersion: '5' }, items: [endpoints(['10.0.0.1'], '4')] }));
    }
  });
  const list = new ServerList([base]);
  const client = new RestClient({ server: base, ca });
  const stop = startServerDiscovery(client, list, () => undefined);
  const until = async (what: string, ok: () => boolean) => {
    for (const started = Date.now(); !ok(); await sleep(20)) assert.ok(Date.now() - started < 5_000, `${what} within 5 s (the old poll took 10 s; the requests show there is no poll): ${list.current}`);
  };
  try {
    await until('the listed server', () => list.current.length === 2);
    assert.deepEqual(list.current, [base, 'https://10.0.0.1:6443']);
    await until('the watch', () => watch !== undefined);
    const send = (type: string, object: object) => watch!.write(`${JSON.stringify({ type, object })}\n`);
    send('MODIFIED', endpoints(['10.0.0.1', '10.0.0.2'], '6'));
    await until('the joined server', () => list.current.includes('https://10.0.0.2:6443'));
    send('MODIFIED', endpoints(['10.0.0.2'], '7'));
    await until('the left server dropped', () => !list.current.includes('https://10.0.0.1:6443'));
    assert.deepEqual(list.current, [base, 'https://10.0.0.2:6443']);
    assert.deepEqual(requests, [
      '/api/v1/namespaces/default/endpoints?fieldSelector=metadata.name%3Dkubernetes',
      '/api/v1/namespaces/default/endpoints?fieldSelector=metadata.name%3Dkubernetes&resourceVersion=5&allowWatchBookmarks=true&watch=true',
    ], 'one list, then one watch from its resourceVersion');
  } finally {
    stop();
    client.close();
    watch?.end();
    server.close();
  }
});
