// The child process of `bench etcd-floor`: an HTTPS server whose only work per POST is the API
// server's least possible work on etcd, one create Txn through the project's EtcdClient, answering
// the object with its revision. No validation, admission, watch cache or history: a floor, not an
// API server. Reads its settings as JSON from argv[2]; prints the port it listens on.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { EtcdClient } from '../src/storage/etcd/client.js';

interface FloorServerSettings { endpoints: string[]; caFile: string; certFile: string; keyFile: string; servingCert: string; servingKey: string }

const s = JSON.parse(process.argv[2]!) as FloorServerSettings;
const etcd = new EtcdClient({ endpoints: s.endpoints, tls: { ca: readFileSync(s.caFile), cert: readFileSync(s.certFile), key: readFileSync(s.keyFile) } });
const server = createServer({ cert: s.servingCert, key: s.servingKey }, (req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => void (async () => {
    const obj = JSON.parse(Buffer.concat(chunks).toString()) as { metadata: { name: string; resourceVersion?: string } };
    const key = Buffer.from(`/k8ts-floor${req.url}/${obj.metadata.name}`);
    const r = await etcd.txn({ compare: [{ key, target: 'CREATE', result: 'EQUAL', createRevision: 0 }], success: [{ requestPut: { key, value: Buffer.from(JSON.stringify(obj)) } }], failure: [] });
    obj.metadata.resourceVersion = String(r.header.revision);
    const body = JSON.stringify(obj);
    res.writeHead(r.succeeded ? 201 : 409, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
    res.end(body);
  })().catch(err => { res.writeHead(500); res.end(String(err)); }));
});
server.listen(0, '127.0.0.1', () => console.log((server.address() as AddressInfo).port));
