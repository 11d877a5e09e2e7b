// Decoding tests with bodies built by a tiny encoder below, shaped as upstream's generated
// marshallers write them (every non-pointer field present, zero or not).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { BadRequestError, UnsupportedMediaTypeError } from '../../api/errors.js';
import { MessageDecoder } from './decode.js';
import { decodeProtobufObject } from './index.js';
import { INLINE, parseField, type Tables } from './schema.js';
import { SPECIAL } from './special.js';
import { MESSAGES, ROOT_KINDS, TABLE_GROUPS } from './tables/index.js';
import { Reader } from './wire.js';

// --- encoder (tests only) ---
function varint(v: number | bigint): Buffer {
  let n = BigInt.asUintN(64, BigInt(v));
  const out: number[] = [];
  do {
    const low = Number(n & 0x7fn);
    n >>= 7n;
    out.push(n ? low | 0x80 : low);
  } while (n);
  return Buffer.from(out);
}
const key = (field: number, wire: number) => varint(field * 8 + wire);
const int = (field: number, v: number | bigint) => Buffer.concat([key(field, 0), varint(v)]);
const bool = (field: number, v: boolean) => int(field, v ? 1 : 0);
const bytes = (field: number, b: Buffer) => Buffer.concat([key(field, 2), varint(b.length), b]);
const str = (field: number, s: string) => bytes(field, Buffer.from(s));
const msg = (field: number, ...parts: Buffer[]) => bytes(field, Buffer.concat(parts));
const strMap = (field: number, m: Record<string, string>) =>
  Buffer.concat(Object.entries(m).map(([k, v]) => msg(field, str(1, k), str(2, v))));
const quantities = (field: number, m: Record<string, string>) =>
  Buffer.concat(Object.entries(m).map(([k, v]) => msg(field, str(1, k), msg(2, str(1, v)))));
const intOrInt = (field: number, v: number) => msg(field, int(1, 0), int(2, v), str(3, ''));
const intOrStr = (field: number, v: string) => msg(field, int(1, 1), int(2, 0), str(3, v));
const envelope = (apiVersion: string, kind: string, ...fields: Buffer[]) => Buffer.concat([
  Buffer.from('k8s\0', 'latin1'), msg(1, str(1, apiVersion), str(2, kind)), msg(2, ...fields), str(3, ''), str(4, ''),
]);
/** ObjectMeta as client-go writes it: all non-pointer fields, empty creationTimestamp. */
const objectMeta = (name: string, ...extra: Buffer[]) => msg(1,
  str(1, name), str(2, ''), str(3, ''), str(4, ''), str(5, ''), str(6, ''), int(7, 0), msg(8), ...extra);

describe('decodeProtobufObject', () => {
  test('the Namespace kubectl 1.32 sends for `create namespace y2`', () => {
    const body = Buffer.from((
      '6b 38 73 00 0a 0f 0a 02 76 31 12 09 4e 61 6d 65 73 70 61 63 65 12 1a 0a 12 0a 02 79 32 12 00 1a ' +
      '00 22 00 2a 00 32 00 38 00 42 00 12 00 1a 02 0a 00 1a 00 22 00').replace(/ /g, ''), 'hex');
    assert.deepEqual(decodeProtobufObject(body), {
      apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'y2', creationTimestamp: null }, spec: {}, status: {},
    });
  });

  test('a Namespace with labels, timestamps, pointer zeros and finalizers', () => {
    const body = envelope('v1', 'Namespace',
      msg(1, str(1, 'prod'), str(2, ''), int(7, 0),
        msg(8, int(1, 1_700_000_000), int(2, 500)),
        int(10, 0),
        strMap(11, { team: 'a', tier: '' })),
      msg(2, str(1, 'kubernetes')),
      msg(3, str(1, '')));
    assert.deepEqual(decodeProtobufObject(body), {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: {
        name: 'prod',
        creationTimestamp: '2023-11-14T22:13:20Z',
        deletionGracePeriodSeconds: 0,
        labels: { team: 'a', tier: '' },
      },
      spec: { finalizers: ['kubernetes'] },
      status: {},
    });
  });

  test('a Secret: bytes map values become base64, stringData and type stay strings', () => {
    const binary = Buffer.from([0x00, 0xff, 0x10, 0x80]);
    const body = envelope('v1', 'Secret',
      objectMeta('creds'),
      msg(2, str(1, 'bin'), bytes(2, binary)),
      msg(2, str(1, 'pw'), str(2, 'hunter2')),
      str(3, 'Opaque'),
      msg(4, str(1, 'plain'), str(2, 'text')),
      bool(5, false));
    assert.deepEqual(decodeProtobufObject(body), {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'creds', creationTimestamp: null },
      data: { bin: binary.toString('base64'), pw: Buffer.from('hunter2').toString('base64') },
      type: 'Opaque',
      stringData: { plain: 'text' },
      immutable: false,
    });
  });

  test('a Deployment with a pod template: containers, ports, env, quantities, int-or-string', () => {
    const container = msg(2,
      str(1, 'web'), str(2, 'busybox'), str(3, 'httpd'), str(3, '-f'), str(5, ''),
      msg(6, str(1, 'http'), int(2, 0), int(3, 8080), str(4, 'TCP'), str(5, '')),
      msg(7, str(1, 'MODE'), str(2, 'demo')),
      msg(7, str(1, 'EMPTY'), str(2, '')),
      msg(8, quantities(1, { cpu: '500m', memory: '64Mi' }), quantities(2, { cpu: '100m' })),
      msg(11, msg(1, msg(2, str(1, '/healthz'), intOrStr(2, 'http'), str(3, ''), str(4, 'HTTP'))),
        int(2, 5), int(3, 1), int(4, 10), int(5, 1), int(6, 3)),
      str(13, '/dev/termination-log'), str(14, 'IfNotPresent'), bool(16, false), bool(17, false), bool(18, false));
    const podSpec = msg(2, container, str(3, 'Always'), int(4, 30), str(6, 'ClusterFirst'),
      strMap(7, { disk: 'ssd' }), str(8, ''), bool(11, false), msg(14));
    const body = envelope('apps/v1', 'Deployment',
      objectMeta('web', strMap(11, { app: 'web' })),
      msg(2,
        int(1, 0),
        msg(2, strMap(1, { app: 'web' }), msg(2, str(1, 'tier'), str(2, 'In'), str(3, 'front'), str(3, 'edge'))),
        msg(3, msg(1, str(1, ''), int(7, 0), msg(8), strMap(11, { app: 'web' })), podSpec),
        msg(4, str(1, 'RollingUpdate'), msg(2, intOrInt(1, 1), intOrStr(2, '25%'))),
        int(5, 0), bool(7, false)),
      msg(3, int(1, 0), int(2, 0)));
    assert.deepEqual(decodeProtobufObject(body), {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', creationTimestamp: null, labels: { app: 'web' } },
      spec: {
        replicas: 0,
        selector: { matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['front', 'edge'] }] },
        template: {
          metadata: { creationTimestamp: null, labels: { app: 'web' } },
          spec: {
            containers: [{
              name: 'web',
              image: 'busybox',
              command: ['httpd', '-f'],
              ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }],
              env: [{ name: 'MODE', value: 'demo' }, { name: 'EMPTY' }],
              resources: { limits: { cpu: '500m', memory: '64Mi' }, requests: { cpu: '100m' } },
              readinessProbe: {
                httpGet: { path: '/healthz', port: 'http', scheme: 'HTTP' },
                initialDelaySeconds: 5, timeoutSeconds: 1, periodSeconds: 10, successThreshold: 1, failureThreshold: 3,
              },
              terminationMessagePath: '/dev/termination-log',
              imagePullPolicy: 'IfNotPresent',
            }],
            restartPolicy: 'Always',
            terminationGracePeriodSeconds: 30,
            dnsPolicy: 'ClusterFirst',
            nodeSelector: { disk: 'ssd' },
            securityContext: {},
          },
        },
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: '25%' } },
      },
      status: {},
    });
  });

  test('fields of every wire type unknown to the tables are skipped', () => {
    const fixed64 = Buffer.concat([key(90, 1), Buffer.alloc(8, 7)]);
    const fixed32 = Buffer.concat([key(91, 5), Buffer.alloc(4, 7)]);
    const body = envelope('v1', 'ConfigMap',
      int(99, 123456789),
      objectMeta('cm', str(98, 'from the future'), fixed64),
      msg(2, str(1, 'k'), str(2, 'v'), str(3, 'extra entry field')),
      fixed32,
      msg(97, msg(1, str(1, 'nested unknown'))));
    assert.deepEqual(decodeProtobufObject(body), {
      apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm', creationTimestamp: null }, data: { k: 'v' },
    });
  });

  test('DeleteOptions decode under any apiVersion, keeping a zero grace period', () => {
    for (const apiVersion of ['v1', 'meta.k8s.io/v1', 'apps/v1']) {
      const body = envelope(apiVersion, 'DeleteOptions', int(1, 0), msg(2, str(1, 'uid-1')), str(4, 'Foreground'), str(5, 'All'));
      assert.deepEqual(decodeProtobufObject(body), {
        apiVersion, kind: 'DeleteOptions', gracePeriodSeconds: 0, preconditions: { uid: 'uid-1' }, propagationPolicy: 'Foreground', dryRun: ['All'],
      });
    }
  });

  test('an Eviction carries its DeleteOptions', () => {
    const body = envelope('policy/v1', 'Eviction', objectMeta('p', str(3, 'ns')), msg(2, int(1, 5)));
    assert.deepEqual(decodeProtobufObject(body), {
      apiVersion: 'policy/v1', kind: 'Eviction',
      metadata: { name: 'p', namespace: 'ns', creationTimestamp: null }, deleteOptions: { gracePeriodSeconds: 5 },
    });
  });

  test('a TokenRequest (kubectl create token) and a TokenReview', () => {
    const tr = decodeProtobufObject(envelope('authentication.k8s.io/v1', 'TokenRequest', objectMeta(''),
      msg(2, str(1, 'vault'), msg(3, str(1, 'Pod'), str(2, 'v1'), str(3, 'web'), str(4, '')), int(4, 3600)), msg(3)));
    assert.deepEqual(tr.spec.audiences, ['vault']);
    assert.equal(tr.spec.expirationSeconds, 3600);
    assert.deepEqual([tr.spec.boundObjectRef.kind, tr.spec.boundObjectRef.apiVersion, tr.spec.boundObjectRef.name], ['Pod', 'v1', 'web']);
    const review = decodeProtobufObject(envelope('authentication.k8s.io/v1', 'TokenReview', objectMeta(''), msg(2, str(1, 'a.b.c'), str(2, 'api')), msg(3)));
    assert.deepEqual([review.kind, review.spec.token, review.spec.audiences], ['TokenReview', 'a.b.c', ['api']]);
  });

  test('truncated bodies are BadRequest', () => {
    const full = envelope('v1', 'ConfigMap', objectMeta('cm'), msg(2, str(1, 'k'), str(2, 'value')));
    for (const cut of [6, 12, full.length - 12, full.length - 9, full.length - 1]) {
      assert.throws(() => decodeProtobufObject(full.subarray(0, cut)), (err: unknown) =>
        err instanceof BadRequestError && err.message === 'unexpected EOF', `cut at ${cut}`);
    }
    // Cut inside the object itself, with a consistent envelope around it.
    const raw = Buffer.concat([objectMeta('cm'), msg(2, str(1, 'k'), str(2, 'value'))]);
    assert.throws(() => decodeProtobufObject(envelope('v1', 'ConfigMap', raw.subarray(0, raw.length - 2))), BadRequestError);
  });

  test('a body without the magic prefix is BadRequest', () => {
    assert.throws(() => decodeProtobufObject(Buffer.from('{"kind":"Namespace"}')), (err: unknown) =>
      err instanceof BadRequestError && /expected prefix \[107 56 115 0\]/.test(err.message));
  });

  test('a known field with the wrong wire type is BadRequest', () => {
    assert.throws(() => decodeProtobufObject(envelope('v1', 'Namespace', int(1, 5))), (err: unknown) =>
      err instanceof BadRequestError && err.message === 'proto: wrong wireType = 0 for field metadata');
  });

  test('a missing kind is BadRequest, a kind without a table is UnsupportedMediaType', () => {
    assert.throws(() => decodeProtobufObject(envelope('v1', '')), (err: unknown) =>
      err instanceof BadRequestError && err.message.startsWith("Object 'Kind' is missing"));
    assert.throws(() => decodeProtobufObject(envelope('example.com/v1', 'Widget')), (err: unknown) =>
      err instanceof UnsupportedMediaTypeError && err.code === 415 && /unknown format/.test(err.message));
    // A known kind under a group it does not belong to has another layout.
    assert.throws(() => decodeProtobufObject(envelope('apps/v1', 'Namespace')), UnsupportedMediaTypeError);
  });
});

describe('MessageDecoder vocabulary', () => {
  const tables: Tables = {
    T: {
      1: ['micro', 'MicroTime'],
      2: ['raw', 'RawExtension'],
      3: ['fields', 'FieldsV1'],
      4: ['extra', '{}ExtraValue'],
      5: ['codes', '[]int32'],
      6: ['count', '*int32'],
      7: ['name', 'string'],
      8: [INLINE, 'Inner'],
      9: ['sizes', '{}Quantity'],
      10: ['ratio', 'double'],
    },
    Inner: { 1: ['inner', 'string'] },
  };
  const decode = (...parts: Buffer[]) => new MessageDecoder(tables).decode(new Reader(Buffer.concat(parts)), 'T');

  test('MicroTime keeps microseconds; empty timestamps are null', () => {
    assert.deepEqual(decode(msg(1, int(1, 1_700_000_000), int(2, 123_456_789))), { micro: '2023-11-14T22:13:20.123456Z' });
    assert.deepEqual(decode(msg(1)), { micro: null });
  });

  test('RawExtension and FieldsV1 hold JSON', () => {
    assert.deepEqual(decode(msg(2, str(1, '{"a":[1]}')), msg(3, str(1, '{"f:metadata":{}}'))), { raw: { a: [1] }, fields: { 'f:metadata': {} } });
    assert.throws(() => decode(msg(2, str(1, 'not json'))), /not JSON/);
  });

  test('ExtraValue maps become string arrays; map entries without a value get the zero value', () => {
    assert.deepEqual(decode(msg(4, str(1, 'scopes'), msg(2, str(1, 'a'), str(1, 'b'))), msg(9, str(1, 'cpu'))), {
      extra: { scopes: ['a', 'b'] }, sizes: { cpu: '0' },
    });
  });

  test('repeated numbers may be packed or not; negative int32 survive', () => {
    const packed = Buffer.concat([varint(1), varint(-2), varint(300)]);
    assert.deepEqual(decode(int(5, 7), bytes(5, packed)), { codes: [7, 1, -2, 300] });
  });

  test('keep-zero fields keep zeros, others drop them, a later zero clears an earlier value', () => {
    assert.deepEqual(decode(int(6, 0), str(7, '')), { count: 0 });
    assert.deepEqual(decode(str(7, 'a'), str(7, '')), {});
  });

  test('inline messages merge into the parent; doubles decode', () => {
    const d = Buffer.alloc(8);
    d.writeDoubleLE(0.25);
    assert.deepEqual(decode(msg(8, str(1, 'x')), Buffer.concat([key(10, 1), d])), { inner: 'x', ratio: 0.25 });
  });
});

describe('tables', () => {
  test('message names are unique across groups', () => {
    const seen = new Map<string, number>();
    for (const group of TABLE_GROUPS) for (const name of Object.keys(group)) seen.set(name, (seen.get(name) ?? 0) + 1);
    assert.deepEqual([...seen].filter(([, n]) => n > 1), []);
  });

  test('every referenced message has a table or a special decoder, and every kind has a table', () => {
    const missing: string[] = [];
    for (const [name, table] of Object.entries(MESSAGES)) {
      for (const spec of Object.values(table)) {
        const f = parseField(spec);
        if (f.message && !(f.message in MESSAGES) && !(f.message in SPECIAL)) missing.push(`${name}.${f.name}: ${f.message}`);
        if (f.inline && (!f.message || f.message in SPECIAL)) missing.push(`${name}: inline ${f.message ?? f.scalar}`);
      }
    }
    for (const kinds of Object.values(ROOT_KINDS)) for (const kind of kinds) if (!(kind in MESSAGES)) missing.push(kind);
    assert.deepEqual(missing, []);
  });
});
