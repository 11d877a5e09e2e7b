import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../api/object.js';
import { ServerList, serversFromEndpoints } from './server-discovery.js';

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
