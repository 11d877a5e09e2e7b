import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ResourceCatalog } from '../../api/catalog.js';
import { parseCidr } from '../../api/cidr.js';
import type { KubeObject } from '../../api/object.js';
import type { APIService } from '../../api/types/generated.js';
import { MemoryStore } from '../../storage/memory.js';
import { AdmissionChain } from '../admission/types.js';
import { systemContext } from '../context.js';
import { Registry } from '../registry/registry.js';
import { strategies } from '../registry/strategies/index.js';
import { OpenAPIDownloads } from './openapi-downloads.js';

const NAME = 'v1.echo.k8ts.io';
const ctx = systemContext('test');

/** Polls until `read` gives a value (the downloads run in the background). */
async function eventually<T>(read: () => T | undefined, what: string): Promise<T> {
  for (let i = 0; i < 200; i++) {
    const v = read();
    if (v !== undefined) return v;
    await new Promise(r => setTimeout(r, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}

test('documents are downloaded once the APIService is Available, kept when the server fails, dropped with the APIService', async () => {
  const registry = new Registry(ResourceCatalog.shared(), new MemoryStore(), new AdmissionChain([]), strategies({ serviceCidr: parseCidr('10.43.0.0/16'), nodePortRange: { min: 30000, max: 32767 } }));
  await registry.start();
  const apiServices = registry.get('apiregistration.k8s.io', 'apiservices');
  // The extension server: what it answers for each path, and every path it was asked for.
  let answers: Record<string, string | undefined> = {
    '/openapi/v2': JSON.stringify({ swagger: '2.0', paths: {}, definitions: {} }),
    '/openapi/v3': JSON.stringify({ paths: { 'apis/echo.k8ts.io/v1': { serverRelativeURL: '/openapi/v3/apis/echo.k8ts.io/v1?hash=AB' } } }),
  };
  const asked: string[] = [];
  const downloads = new OpenAPIDownloads(registry, async (_a, path) => {
    asked.push(path);
    const body = answers[path];
    return body === undefined ? undefined : Buffer.from(body);
  });
  downloads.start();
  const current = () => apiServices.getCached('', NAME)?.object as (KubeObject & APIService) | undefined;
  try {
    await apiServices.create(ctx, '', {
      apiVersion: 'apiregistration.k8s.io/v1', kind: 'APIService', metadata: { name: NAME },
      spec: { group: 'echo.k8ts.io', version: 'v1', groupPriorityMinimum: 1000, versionPriority: 15, service: { namespace: 'ns', name: 'echo' }, insecureSkipTLSVerify: true },
    } as KubeObject);
    await new Promise(r => setTimeout(r, 50));
    assert.deepEqual(asked, [], 'an unavailable server is not asked');
    assert.equal(downloads.v2Document(current()!), undefined);

    const available = { type: 'Available', status: 'True', reason: 'Passed', message: 'all checks passed', lastTransitionTime: new Date().toISOString() };
    await apiServices.update(ctx, '', NAME, { ...current()!, status: { conditions: [available] } } as KubeObject, { subresource: 'status' });
    const v2 = await eventually(() => downloads.v2Document(current()!), 'the v2 document');
    assert.deepEqual(v2.document, { swagger: '2.0', paths: {}, definitions: {} });
    assert.deepEqual(downloads.v3IndexEntry(current()!), { serverRelativeURL: '/openapi/v3/apis/echo.k8ts.io/v1?hash=AB' });

    // The server stops answering; a change to the APIService asks again, and the last documents stay.
    answers = {};
    const before = asked.length;
    await apiServices.update(ctx, '', NAME, { ...current()!, metadata: { ...current()!.metadata, labels: { recheck: '1' } } } as KubeObject);
    await eventually(() => (asked.length > before ? true : undefined), 'another download');
    assert.equal(downloads.v2Document(current()!)?.etag, v2.etag);
    assert.ok(downloads.v3IndexEntry(current()!));

    const gone = current()!;
    await apiServices.delete(ctx, '', NAME);
    await eventually(() => (downloads.v2Document(gone) === undefined ? true : undefined), 'the documents to go with the APIService');
    assert.equal(downloads.v3IndexEntry(gone), undefined);
  } finally {
    downloads.stop();
    registry.stop();
  }
});
