// CRD conversion strategy `Webhook` with the webhook deployed as upstream's are: `k8ts
// sample-conversion-webhook` runs from the k8ts image in a pod of a netns cluster
// (support/netns-cluster.ts) behind an ordinary Service; the real kubectl writes a Disk at v1 and
// reads it at v2 through it. (crd-conversion.test.ts covers the conversion paths on loopback.)
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { stringify } from 'yaml';
import { K8TS_IMAGE } from '../../src/kubelet/images/builtin.js';
import { eventually } from './harness.js';
import { k8tsServerPod, type K8tsServerPod } from './support/k8ts-server-pod.js';
import { NetnsCluster } from './support/netns-cluster.js';

const NS = 'conversion-system';
const GROUP = 'storage.k8ts.test';

describe('CRD conversion webhook in a pod', { timeout: 240_000 }, () => {
  let c: NetnsCluster;
  let server: K8tsServerPod;

  before(async () => {
    server = await k8tsServerPod({ name: 'convert', namespace: NS, command: 'sample-conversion-webhook' });
    c = await NetnsCluster.start({ agents: 0, images: [K8TS_IMAGE] });
    await c.waitForReadyNodes(1);
  });

  after(async () => {
    await c?.destroy();
  });

  test('a Disk written at v1 is read at v2 through the webhook Deployment', async () => {
    await c.k(['create', 'namespace', NS]);
    const schema = (spec: Record<string, unknown>) => ({ openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object', properties: spec } } } });
    await c.k(['apply', '-f', '-'], [server.manifests, stringify({
      apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: `disks.${GROUP}` },
      spec: {
        group: GROUP, scope: 'Namespaced', names: { plural: 'disks', singular: 'disk', kind: 'Disk', listKind: 'DiskList' },
        versions: [
          { name: 'v1', served: true, storage: true, schema: schema({ size: { type: 'string' } }) },
          { name: 'v2', served: true, storage: false, schema: schema({ sizeBytes: { type: 'integer' } }) },
        ],
        conversion: {
          strategy: 'Webhook',
          webhook: { conversionReviewVersions: ['v1'], clientConfig: { caBundle: server.caBundle, service: { namespace: NS, name: 'convert', path: '/convert' } } },
        },
      },
    })].join('---\n'));
    await c.k(['wait', '--for=condition=Established', `crd/disks.${GROUP}`, '--timeout=30s']);
    await c.k(['rollout', 'status', 'deployment/convert', '-n', NS, '--timeout=150s']);
    await eventually(async () => (await c.kubectl(['create', '-f', '-'], JSON.stringify({ apiVersion: `${GROUP}/v1`, kind: 'Disk', metadata: { name: 'd1' }, spec: { size: '3Gi' } }))).code === 0, 30_000, 'the v1 store');
    const v2 = await eventually(async () => {
      const r = await c.kubectl(['get', `disks.v2.${GROUP}`, 'd1', '-o', 'json']);
      return r.code === 0 && JSON.parse(r.stdout);
    }, 30_000, 'a read at v2 through the webhook pod');
    assert.equal(v2.apiVersion, `${GROUP}/v2`);
    assert.deepEqual(v2.spec, { sizeBytes: 3 * 1024 ** 3 });
  });
});
