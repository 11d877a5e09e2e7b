// CRD conversion strategy `Webhook` with the real kubectl: `k8ts sample-conversion-webhook` runs on
// loopback behind a selectorless Service whose EndpointSlice points at 127.0.0.1, and converts a
// Disk between v1 (`spec.size: "2Gi"`) and v2 (`spec.sizeBytes`). An object is read, listed and
// watched at the version it was not written at, applied server-side at the other one, survives a
// storage-version switch, and while the webhook is down reads that need it fail with its error —
// the stored objects unchanged once it is back.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createCA, issueCertificate } from '../../src/pki/certificates.js';
import { TestCluster, eventually } from './harness.js';
import { startSampleServer, stopSampleServer, type SampleServer } from './support/sample-server.js';

const NS = 'conversion-system';
const GROUP = 'storage.k8ts.test';
const GIB = 1024 ** 3;

function crd(caBundle: string, storage: 'v1' | 'v2'): string {
  const version = (name: string, spec: Record<string, unknown>) => ({
    name, served: true, storage: name === storage,
    additionalPrinterColumns: [{ name: name === 'v1' ? 'Size' : 'Bytes', type: name === 'v1' ? 'string' : 'integer', jsonPath: name === 'v1' ? '.spec.size' : '.spec.sizeBytes' }],
    schema: { openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object', properties: spec } } } },
  });
  return JSON.stringify({
    apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: `disks.${GROUP}` },
    spec: {
      group: GROUP, scope: 'Namespaced', names: { plural: 'disks', singular: 'disk', kind: 'Disk', listKind: 'DiskList' },
      versions: [
        version('v1', { size: { type: 'string' }, tier: { type: 'string', default: 'standard' } }),
        version('v2', { sizeBytes: { type: 'integer' }, tier: { type: 'string' }, encrypted: { type: 'boolean', default: false } }),
      ],
      conversion: {
        strategy: 'Webhook',
        webhook: { conversionReviewVersions: ['v1'], clientConfig: { caBundle, service: { namespace: NS, name: 'convert', path: '/convert', port: 443 } } },
      },
    },
  });
}

describe('CRD conversion webhook with kubectl', () => {
  let c: TestCluster;
  let dir: string;
  let caBundle: string;
  let hook: SampleServer | undefined;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'k8ts-crd-conversion-'));
    const ca = await createCA('conversion-ca');
    const serving = await issueCertificate(ca, { commonName: 'convert', usage: 'server', dnsNames: [`convert.${NS}.svc`] });
    writeFileSync(join(dir, 'tls.crt'), serving.cert);
    writeFileSync(join(dir, 'tls.key'), serving.key);
    caBundle = Buffer.from(ca.cert).toString('base64');
    hook = await startSampleServer('sample-conversion-webhook', dir, 0);
    c = await TestCluster.start();
    await c.k(['create', 'namespace', NS]);
    await c.k(['create', '-f', '-'], JSON.stringify({
      apiVersion: 'v1', kind: 'Service', metadata: { name: 'convert', namespace: NS },
      spec: { ports: [{ name: 'https', port: 443, targetPort: hook.port }] },
    }));
    await c.k(['create', '-f', '-'], JSON.stringify({
      apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', metadata: { name: 'convert-local', namespace: NS, labels: { 'kubernetes.io/service-name': 'convert' } },
      addressType: 'IPv4', ports: [{ name: 'https', port: hook.port, protocol: 'TCP' }], endpoints: [{ addresses: ['127.0.0.1'], conditions: { ready: true } }],
    }));
    await c.k(['create', '-f', '-'], crd(caBundle, 'v1'));
    await c.k(['wait', '--for=condition=Established', `crd/disks.${GROUP}`, '--timeout=30s']);
    // Both versions served once discovery shows them.
    await eventually(async () => (await c.kubectl(['get', `disks.v2.${GROUP}`])).code === 0, 20_000, 'v2 served');
  });

  after(async () => {
    await c?.stop();
    await stopSampleServer(hook);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const getJson = async (version: string, name: string) => JSON.parse(await c.k(['get', `disks.${version}.${GROUP}`, name, '-o', 'json']));

  test('created at v1, read at v2 and v1, listed and watched at v2, defaulted by the version read', async () => {
    await c.k(['create', '-f', '-'], JSON.stringify({ apiVersion: `${GROUP}/v1`, kind: 'Disk', metadata: { name: 'd1', labels: { app: 'db' } }, spec: { size: '2Gi' } }));

    const v2 = await getJson('v2', 'd1');
    assert.equal(v2.apiVersion, `${GROUP}/v2`);
    // tier: v1's default, stored; encrypted: v2's default, given as v2 is read.
    assert.deepEqual(v2.spec, { sizeBytes: 2 * GIB, tier: 'standard', encrypted: false });
    assert.equal(v2.metadata.labels.app, 'db');
    const v1 = await getJson('v1', 'd1');
    assert.equal(v1.apiVersion, `${GROUP}/v1`);
    assert.deepEqual(v1.spec, { size: '2Gi', tier: 'standard' });
    assert.equal(v1.metadata.resourceVersion, v2.metadata.resourceVersion);
    assert.equal(v1.metadata.uid, v2.metadata.uid);

    // A table at v2 prints v2's column from the converted object.
    assert.match(await c.k(['get', `disks.v2.${GROUP}`, 'd1']), new RegExp(`d1\\s+${2 * GIB}`));

    // A watch at v2 (started from now) sees an object written at v1, converted.
    // (--raw: kubectl's own -o json list carries no resourceVersion.)
    const list = JSON.parse(await c.k(['get', '--raw', `/apis/${GROUP}/v2/namespaces/default/disks?labelSelector=app%3Ddb`]));
    assert.deepEqual(list.items.map((i: any) => [i.apiVersion, i.metadata.name, i.spec.sizeBytes]), [[`${GROUP}/v2`, 'd1', 2 * GIB]]);
    // From the list's resourceVersion the watch sees the create however late kubectl gets to the
    // server; it ends after the event (and a little more, for any event that should not be there).
    const [cmd, ...argv] = c.kubectlCommand(['get', '--raw', `/apis/${GROUP}/v2/namespaces/default/disks?watch=1&resourceVersion=${list.metadata.resourceVersion}&timeoutSeconds=60`]);
    const watcher = spawn(cmd, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    watcher.stdout!.on('data', d => { out += String(d); });
    const ended = new Promise(resolve => watcher.once('exit', resolve));
    await c.k(['create', '-f', '-'], JSON.stringify({ apiVersion: `${GROUP}/v1`, kind: 'Disk', metadata: { name: 'd2' }, spec: { size: '512Mi' } }));
    try {
      await eventually(() => out.includes('\n'), 30_000, `the watch event (got ${JSON.stringify(out)})`);
      await new Promise(resolve => setTimeout(resolve, 1000));
    } finally {
      watcher.kill('SIGTERM');
      await ended;
    }
    const events = out.trim().split('\n').map(l => JSON.parse(l));
    assert.deepEqual(events.map(e => [e.type, e.object.apiVersion, e.object.metadata.name, e.object.spec.sizeBytes]), [['ADDED', `${GROUP}/v2`, 'd2', 512 * 1024 ** 2]]);

  });

  test('server-side apply at v2 over an object stored at v1; a storage-version switch keeps every object readable', async () => {
    await c.k(['apply', '--server-side', '--field-manager=resizer', '--force-conflicts', '-f', '-'],
      JSON.stringify({ apiVersion: `${GROUP}/v2`, kind: 'Disk', metadata: { name: 'd1' }, spec: { sizeBytes: 4 * GIB } }));
    assert.equal((await getJson('v1', 'd1')).spec.size, '4Gi');
    const applied = JSON.parse(await c.k(['get', `disks.v2.${GROUP}`, 'd1', '-o', 'json', '--show-managed-fields']));
    assert.equal(applied.spec.sizeBytes, 4 * GIB);
    assert.ok(applied.metadata.managedFields.some((m: any) => m.manager === 'resizer' && m.operation === 'Apply'));

    // The switch: a watch on v1 ends when the store serving v1 is replaced by one storing at v2.
    const rv = JSON.parse(await c.k(['get', '--raw', `/apis/${GROUP}/v1/namespaces/default/disks`])).metadata.resourceVersion;
    const [cmd, ...argv] = c.kubectlCommand(['get', '--raw', `/apis/${GROUP}/v1/namespaces/default/disks?watch=1&resourceVersion=${rv}&timeoutSeconds=60`]);
    const watcher = spawn(cmd, argv, { stdio: 'ignore' });
    const ended = new Promise(resolve => watcher.once('exit', resolve));
    await new Promise(resolve => setTimeout(resolve, 500));
    await c.k(['apply', '-f', '-'], crd(caBundle, 'v2'));
    await ended;
    // Written at v1, stored at v2 (the last test reads it at v2 without the webhook).
    await c.k(['create', '-f', '-'], JSON.stringify({ apiVersion: `${GROUP}/v1`, kind: 'Disk', metadata: { name: 'd3' }, spec: { size: '1Gi' } }));
    assert.equal((await getJson('v2', 'd3')).spec.sizeBytes, GIB);
    assert.equal((await getJson('v1', 'd3')).spec.size, '1Gi');
    const all = JSON.parse(await c.k(['get', `disks.v1.${GROUP}`, '-o', 'json']));
    assert.deepEqual(all.items.map((i: any) => [i.metadata.name, i.spec.size]), [['d1', '4Gi'], ['d2', '512Mi'], ['d3', '1Gi']]);
  });

  test('with the webhook down, reads and writes that need it fail with its error; nothing stored changes', async () => {
    const port = hook!.port;
    await stopSampleServer(hook);
    const d3Before = JSON.stringify((await c.k(['get', `disks.v2.${GROUP}`, 'd3', '-o', 'json'])));

    const read = await c.kubectl(['get', `disks.v2.${GROUP}`, 'd1']);
    assert.notEqual(read.code, 0);
    assert.match(read.stderr, /Error from server \(InternalError\): .*conversion webhook for storage\.k8ts\.test\/v1, Kind=Disk failed: /);
    const listed = await c.kubectl(['get', `disks.v1.${GROUP}`]);
    assert.notEqual(listed.code, 0);
    assert.match(listed.stderr, /conversion webhook for storage\.k8ts\.test\/v1, Kind=DiskList failed: /);
    const written = await c.kubectl(['apply', '--server-side', '--field-manager=resizer', '--force-conflicts', '-f', '-'],
      JSON.stringify({ apiVersion: `${GROUP}/v2`, kind: 'Disk', metadata: { name: 'd1' }, spec: { sizeBytes: 8 * GIB } }));
    assert.notEqual(written.code, 0);
    assert.match(written.stderr, /conversion webhook for storage\.k8ts\.test\/v1, Kind=Disk failed: /);

    hook = await startSampleServer('sample-conversion-webhook', dir, port);
    await eventually(async () => (await c.kubectl(['get', `disks.v2.${GROUP}`, 'd1'])).code === 0, 20_000, 'reads after the webhook is back');
    assert.equal((await getJson('v2', 'd1')).spec.sizeBytes, 4 * GIB);
    assert.equal((await getJson('v1', 'd1')).spec.size, '4Gi');
    assert.equal(JSON.stringify(await c.k(['get', `disks.v2.${GROUP}`, 'd3', '-o', 'json'])), d3Before);

    // Deleting at v2 answers converted objects; every one goes.
    assert.match(await c.k(['delete', `disks.v2.${GROUP}`, '--all']), /disk\.storage\.k8ts\.test "d1" deleted[\s\S]*"d3" deleted/);
    assert.equal(JSON.parse(await c.k(['get', '--raw', `/apis/${GROUP}/v1/namespaces/default/disks`])).items.length, 0);
  });
});
