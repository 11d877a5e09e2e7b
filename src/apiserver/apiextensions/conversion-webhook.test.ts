import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:https';
import { after, before, test } from 'node:test';
import type { KubeObject } from '../../api/object.js';
import type { CustomResourceDefinition } from '../../api/types/generated.js';
import { createCA, issueCertificate } from '../../pki/certificates.js';
import { answerReview, convertSize, startSampleConversionWebhook } from '../../sample-apiserver/conversion-webhook.js';
import { ConversionWebhookError, WebhookConverter } from './conversion-webhook.js';

// A real HTTPS conversion webhook on loopback converting as the sample one does (v1 `spec.size:
// "2Gi"` <-> v2 `spec.sizeBytes`); `answer` lets a test bend the response it gives.
type Review = Record<string, any>;
let answer: (review: Review, converted: Review[]) => Review = review => answerReview(review);
const reviews: Review[] = [];
let server: Server;
let port = 0;
let caBundle = '';


before(async () => {
  const ca = await createCA('conversion-test-ca');
  const leaf = await issueCertificate(ca, { commonName: 'conv', dnsNames: [], ipAddresses: ['127.0.0.1'], usage: 'server' });
  caBundle = Buffer.from(ca.cert).toString('base64');
  server = createServer({ cert: leaf.cert, key: leaf.key }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const review = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      reviews.push(review);
      const converted = review.request.objects.map((o: Review) => convertSize(o, review.request.desiredAPIVersion));
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(answer(review, converted)));
    });
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as { port: number }).port;
});
after(() => new Promise<void>(resolve => server.close(() => resolve())));

function crd(reviewVersions = ['v1'], url = `https://127.0.0.1:${port}/convert`): CustomResourceDefinition {
  return {
    apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 'disks.example.com' },
    spec: {
      group: 'example.com', scope: 'Namespaced', names: { plural: 'disks', kind: 'Disk' }, versions: [],
      conversion: { strategy: 'Webhook', webhook: { conversionReviewVersions: reviewVersions, clientConfig: { url, caBundle } } },
    },
  } as unknown as CustomResourceDefinition;
}
const noServices = () => { throw new Error('no services'); };

function disk(name: string, apiVersion: string, spec: Review): KubeObject {
  return { apiVersion, kind: 'Disk', metadata: { name, namespace: 'default', uid: `uid-${name}`, resourceVersion: '7', labels: { a: 'b' } }, spec } as KubeObject;
}

test('a list is converted in one review holding only the items at another version', async () => {
  reviews.length = 0;
  const items = [disk('one', 'example.com/v1', { size: '2Gi' }), disk('two', 'example.com/v2', { sizeBytes: 5 }), disk('three', 'example.com/v1', { size: '1Gi' })];
  const out = await new WebhookConverter(crd(), noServices, () => 'req-1').convertList(items, 'example.com/v2', 'example.com/v1, Kind=DiskList');
  assert.equal(reviews.length, 1);
  assert.equal(reviews[0].apiVersion, 'apiextensions.k8s.io/v1');
  assert.deepEqual(reviews[0].request.objects.map((o: Review) => o.metadata.name), ['one', 'three']);
  assert.equal(reviews[0].request.desiredAPIVersion, 'example.com/v2');
  assert.deepEqual(out.map(o => (o as Review).spec), [{ sizeBytes: 2 * 2 ** 30 }, { sizeBytes: 5 }, { sizeBytes: 2 ** 30 }]);
  assert.equal(out[1], items[1]);
});

test('nothing is sent when every object is already at the wanted version', async () => {
  reviews.length = 0;
  const obj = disk('one', 'example.com/v2', { sizeBytes: 1 });
  assert.equal(await new WebhookConverter(crd(), noServices).convert(obj, 'example.com/v2'), obj);
  assert.equal(reviews.length, 0);
});

test('v1beta1 reviews when the CRD lists only v1beta1; its answer is not checked for uid', async () => {
  reviews.length = 0;
  const saved = answer;
  answer = (review, converted) => ({ apiVersion: review.apiVersion, kind: 'ConversionReview', response: { uid: 'other', result: { status: 'Success' }, convertedObjects: converted } });
  try {
    const out = await new WebhookConverter(crd(['v1beta1']), noServices).convert(disk('one', 'example.com/v2', { sizeBytes: 3 * 2 ** 30 }), 'example.com/v1');
    assert.equal(reviews[0].apiVersion, 'apiextensions.k8s.io/v1beta1');
    assert.deepEqual((out as Review).spec, { size: '3Gi' });
  } finally {
    answer = saved;
  }
});

test('only labels and annotations may change in metadata; the rest is restored from the original', async () => {
  const saved = answer;
  answer = (review, converted) => {
    for (const c of converted) c.metadata = { ...c.metadata, resourceVersion: '99', labels: { c: 'd' }, finalizers: ['x'] };
    return ok(review, converted);
  };
  try {
    const out = await new WebhookConverter(crd(), noServices).convert(disk('one', 'example.com/v1', { size: '1Gi' }), 'example.com/v2');
    assert.deepEqual(out.metadata, { name: 'one', namespace: 'default', uid: 'uid-one', resourceVersion: '7', labels: { c: 'd' } });
  } finally {
    answer = saved;
  }
});

async function failure(bend: typeof answer, convert: (c: WebhookConverter) => Promise<unknown>, c = crd()): Promise<ConversionWebhookError> {
  const saved = answer;
  answer = (review, converted) => bend(review, converted);
  try {
    await convert(new WebhookConverter(c, noServices, () => 'req-1'));
  } catch (err) {
    assert.ok(err instanceof ConversionWebhookError);
    assert.equal(err.code, 500);
    assert.equal(err.reason, 'InternalError');
    return err;
  } finally {
    answer = saved;
  }
  assert.fail('conversion succeeded');
}

const one = (c: WebhookConverter) => c.convert(disk('one', 'example.com/v1', { size: '1Gi' }), 'example.com/v2');
const ok = (review: Review, converted: Review[]) => ({ apiVersion: review.apiVersion, kind: 'ConversionReview', response: { uid: review.request.uid, result: { status: 'Success' }, convertedObjects: converted } });

test('bad answers fail the conversion with upstream messages', async () => {
  const cases: [typeof answer, string][] = [
    [(r, c) => ({ ...ok(r, c), response: { ...ok(r, c).response, uid: 'x' } }), 'conversion webhook for example.com/v1, Kind=Disk failed: expected response.uid="req-1", got "x"'],
    [(r, c) => ({ ...ok(r, c), kind: 'AdmissionReview' }), 'conversion webhook for example.com/v1, Kind=Disk failed: expected webhook response of apiextensions.k8s.io/v1, Kind=ConversionReview, got apiextensions.k8s.io/v1, Kind=AdmissionReview'],
    [r => ({ apiVersion: r.apiVersion, kind: 'ConversionReview', response: { uid: 'req-1', result: { status: 'Failure', message: 'cannot parse size' } } }), 'conversion webhook for example.com/v1, Kind=Disk failed: cannot parse size'],
    [(r, c) => ok(r, [...c, ...c]), 'conversion webhook for example.com/v1, Kind=Disk returned 2 objects, expected 1'],
    [(r, c) => ok(r, c.map(o => ({ ...o, metadata: { ...o.metadata, name: 'other' } }))), 'conversion webhook for example.com/v1, Kind=Disk returned invalid object: must have the same name: one != other'],
    [(r, c) => ok(r, c.map(o => ({ ...o, apiVersion: 'example.com/v3' }))), 'conversion webhook for example.com/v1, Kind=Disk returned invalid object at index 0: invalid groupVersion (expected example.com/v2, received example.com/v3)'],
    [(r, c) => ok(r, c.map(o => ({ ...o, metadata: { ...o.metadata, labels: { 'a b': 'c' } } }))), 'conversion webhook for example.com/v1, Kind=Disk returned invalid metadata: metadata.labels: Invalid value: "a b": name part must consist of alphanumeric characters, \'-\', \'_\' or \'.\', and must start and end with an alphanumeric character (e.g. \'MyName\',  or \'my.name\',  or \'123-abc\', regex used for validation is \'([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]\')'],
  ];
  for (const [bend, message] of cases) assert.equal((await failure(bend, one)).message, `Internal error occurred: ${message}`);
  const list = (await failure((r, c) => ok(r, c.map((o, i) => (i === 1 ? { ...o, kind: 'Other' } : o))), c => c.convertList(
    [disk('one', 'example.com/v1', { size: '1Gi' }), disk('two', 'example.com/v1', { size: '1Gi' })], 'example.com/v2', 'example.com/v1, Kind=DiskList'))).message;
  assert.equal(list, 'Internal error occurred: conversion webhook for example.com/v1, Kind=DiskList returned invalid converted object at index 2: invalid kind (expected Disk, received Other)');
});

test('an unreachable webhook fails the conversion and the input is untouched', async () => {
  const obj = disk('one', 'example.com/v1', { size: '1Gi' });
  const before = structuredClone(obj);
  const err = await failure(ok, c => c.convert(obj, 'example.com/v2'), crd(['v1'], 'https://127.0.0.1:1/convert'));
  assert.equal(err.message, 'Internal error occurred: conversion webhook for example.com/v1, Kind=Disk failed: Post "https://127.0.0.1:1/convert?timeout=30s": dial tcp 127.0.0.1:1: connect: connection refused');
  assert.deepEqual(obj, before);
});

test('the sample webhook (k8ts sample-conversion-webhook) converts both ways and reports what it cannot convert', async () => {
  const ca = await createCA('sample-conversion-ca');
  const leaf = await issueCertificate(ca, { commonName: 'sample', dnsNames: [], ipAddresses: ['127.0.0.1'], usage: 'server' });
  const sample = await startSampleConversionWebhook({ cert: leaf.cert, key: leaf.key, port: 0, bindAddress: '127.0.0.1' });
  try {
    const c = crd(['v1'], `https://127.0.0.1:${sample.port}/convert`);
    c.spec.conversion!.webhook!.clientConfig!.caBundle = Buffer.from(ca.cert).toString('base64');
    const converter = new WebhookConverter(c, noServices);
    const v2 = await converter.convert(disk('one', 'example.com/v1', { size: '1536Mi', tier: 'fast' }), 'example.com/v2');
    assert.deepEqual((v2 as Review).spec, { tier: 'fast', sizeBytes: 1536 * 2 ** 20 });
    const v1 = await converter.convert(v2, 'example.com/v1');
    assert.deepEqual((v1 as Review).spec, { tier: 'fast', size: '1536Mi' });
    await assert.rejects(converter.convert(disk('bad', 'example.com/v1', { size: 'lots' }), 'example.com/v2'), {
      message: 'Internal error occurred: conversion webhook for example.com/v1, Kind=Disk failed: spec.size "lots": quantities must match the regular expression \'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$\'',
    });
  } finally {
    sample.server.close();
  }
});
