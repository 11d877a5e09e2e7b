// Secrets at rest and the audit log, with the real kubectl: the SQLite file holds no Secret in
// plaintext (but ConfigMaps, not configured, stay plain); keys rotate by adding one, rewriting
// every Secret with `kubectl replace` and dropping the old one, and providers switch (aescbc to
// secretbox) the same way; the audit log holds what the
// policy asks for, and rotates by size with lumberjack's names.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { loadKubeconfig } from '../../src/client/kubeconfig.js';
import { TestCluster, eventually } from './harness.js';

const SECRET_TEXT = 'hunter2-do-not-store-me';
const SECRET_B64 = Buffer.from(SECRET_TEXT).toString('base64');
const CM_TEXT = 'plain-configmap-value-on-disk';
const KEY1 = Buffer.alloc(32, 0x11).toString('base64');
const KEY2 = Buffer.alloc(24, 0x22).toString('base64');
const BOX_KEY = Buffer.alloc(32, 0x33).toString('base64');

const encryptionConfig = (keys: { name: string; secret: string }[]) => JSON.stringify({
  apiVersion: 'apiserver.config.k8s.io/v1', kind: 'EncryptionConfiguration',
  resources: [{ resources: ['secrets'], providers: [{ aescbc: { keys } }, { identity: {} }] }],
});

const POLICY = `apiVersion: audit.k8s.io/v1
kind: Policy
omitStages: [Panic]
rules:
  - level: None
    resources: [{group: "", resources: [events]}]
    verbs: [get, list, watch]
  - level: Metadata
    resources: [{group: "", resources: [secrets]}]
  - level: RequestResponse
    resources: [{group: "", resources: [configmaps]}]
    omitStages: [RequestReceived]
    omitManagedFields: true
  - level: Metadata
    resources: [{group: "", resources: ["pods/exec"]}]
    omitStages: [RequestReceived]
  - level: Metadata
    nonResourceURLs: ["/api", "/api/*", "/apis", "/apis/*"]
`;

interface AuditEvent {
  level: string; auditID: string; stage: string; verb: string; requestURI: string;
  user: { username?: string; groups?: string[] };
  objectRef?: { resource?: string; namespace?: string; name?: string; apiVersion?: string };
  responseStatus?: { code?: number; reason?: string; message?: string };
  requestObject?: any; responseObject?: any;
  annotations?: Record<string, string>;
  requestReceivedTimestamp: string; stageTimestamp: string;
}

function readAudit(dir: string): AuditEvent[] {
  return readdirSync(dir).filter(n => n.endsWith('.log')).sort()
    .flatMap(n => readFileSync(join(dir, n), 'utf8').split('\n').filter(Boolean).map(l => JSON.parse(l) as AuditEvent));
}

/** The newest stored value of a key (as a binary string) and its SQLite type, read from the file. */
function stored(dataDir: string, key: string): { value: string; type: string } {
  const db = new Database(join(dataDir, 'db', 'state.db'), { readonly: true, fileMustExist: true });
  try {
    const row = db.prepare('SELECT value, typeof(value) AS type FROM kv WHERE key = ? ORDER BY rev DESC LIMIT 1').get(key) as { value: string | Buffer; type: string } | undefined;
    assert.ok(row, `no row for ${key}`);
    return { value: typeof row.value === 'string' ? row.value : row.value.toString('latin1'), type: row.type };
  } finally {
    db.close();
  }
}
const storedValue = (dataDir: string, key: string) => stored(dataDir, key).value;

/** Whether the bytes appear anywhere in the database files (main file and write-ahead log). */
function onDisk(dataDir: string, needle: string): boolean {
  return ['state.db', 'state.db-wal'].some(f => {
    const p = join(dataDir, 'db', f);
    return existsSync(p) && readFileSync(p).includes(Buffer.from(needle));
  });
}

test('Secrets are encrypted at rest and keys rotate by rewriting; the audit log follows its policy', { timeout: 600_000 }, async () => {
  const root = mkdtempSync(join(tmpdir(), 'k8ts-secaudit-'));
  const dataDir = join(root, 'data');
  const auditDir = join(root, 'audit');
  const encPath = join(root, 'encryption.json');
  const policyPath = join(root, 'policy.yaml');
  writeFileSync(policyPath, POLICY);
  writeFileSync(encPath, encryptionConfig([{ name: 'key1', secret: KEY1 }]));
  mkdirSync(dataDir);
  const args = (extra: string[] = []) => ['--encryption-provider-config', encPath, '--audit-policy-file', policyPath,
    '--audit-log-path', join(auditDir, 'audit.log'), '--audit-log-maxsize', '1', '--audit-log-maxbackup', '3', '--disable-controllers',
    // Without anonymous requests a request with no credentials fails authentication (401), which is
    // what the audit part checks is logged.
    '--anonymous-auth=false', ...extra];
  let c: TestCluster | undefined;
  try {
    // Bad configuration stops the server at start, saying what is wrong.
    const badEnc = join(root, 'bad-encryption.json');
    writeFileSync(badEnc, encryptionConfig([{ name: 'short', secret: Buffer.alloc(8).toString('base64') }]));
    await assert.rejects(TestCluster.start({ dataDir, extraArgs: ['--encryption-provider-config', badEnc] }),
      /--encryption-provider-config: error while parsing file: resources\[0\]\.providers\[0\]\.aescbc\.keys\[0\]\.secret: Invalid value: "REDACTED": secret is not of the expected length, got 8, expected one of \[16 24 32\]/);
    const badPolicy = join(root, 'bad-policy.yaml');
    writeFileSync(badPolicy, 'apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n  - level: Everything\n');
    await assert.rejects(TestCluster.start({ dataDir, extraArgs: ['--audit-policy-file', badPolicy, '--audit-log-path', '-'] }),
      /--audit-policy-file: invalid audit policy file ".*": rules\[0\]\.level: Unsupported value: "Everything"/);

    c = await TestCluster.start({ dataDir, extraArgs: args() });
    await c.k(['create', 'secret', 'generic', 'db-pass', '--from-literal', `password=${SECRET_TEXT}`]);
    await c.k(['create', 'namespace', 'team']);
    await c.k(['-n', 'team', 'create', 'secret', 'generic', 'api-key', '--from-literal', `key=${SECRET_TEXT}`]);
    await c.k(['create', 'configmap', 'settings', '--from-literal', `mode=${CM_TEXT}`]);
    assert.equal(await c.k(['get', 'secret', 'db-pass', '-o', 'jsonpath={.data.password}']), SECRET_B64);

    // ---- at rest: the newest row of each Secret is aescbc with key1; nothing plain in the files ----
    const secretKey = '/registry/secrets/default/db-pass';
    assert.ok(storedValue(dataDir, secretKey).startsWith('k8s:enc:aescbc:v1:key1:'));
    assert.ok(storedValue(dataDir, '/registry/secrets/team/api-key').startsWith('k8s:enc:aescbc:v1:key1:'));
    assert.ok(storedValue(dataDir, '/registry/configmaps/default/settings').startsWith('{'));
    // Upstream's bytes exactly: the prefix, then the 16-byte IV and whole AES blocks.
    const raw = stored(dataDir, secretKey);
    assert.equal(raw.type, 'blob');
    assert.equal((Buffer.from(raw.value, 'latin1').length - 'k8s:enc:aescbc:v1:key1:'.length) % 16, 0);
    assert.ok(onDisk(dataDir, CM_TEXT), 'the unencrypted ConfigMap is found on disk (the scan works)');
    assert.ok(!onDisk(dataDir, SECRET_B64) && !onDisk(dataDir, SECRET_TEXT), 'no Secret data on disk in plaintext');

    // ---- audit: what the policy asks, and nothing else ----
    const verbose = await c.kubectl(['get', 'secret', 'db-pass', '-v=8']);
    const headerId = verbose.stderr.match(/Audit-Id: ([0-9a-f-]{36})/i)?.[1];
    assert.ok(headerId, 'the response carries an Audit-Id header');
    await c.k(['get', 'events']);
    await c.kubectl(['get', 'configmaps', '-w', '--request-timeout=2s']);
    const unauthenticated = await new Promise<number>((resolve, reject) => {
      const r = request(`${c!.url}/api/v1/secrets`, { rejectUnauthorized: false }, res => { res.resume(); resolve(res.statusCode ?? 0); });
      r.on('error', reject);
      r.end();
    });
    assert.equal(unauthenticated, 401);
    // An exec upgrade (answered here with 404: there is no such pod) is audited too.
    const kc = loadKubeconfig(c.kubeconfig);
    const execStatus = await new Promise<number>((resolve, reject) => {
      const r = request(`${c!.url}/api/v1/namespaces/default/pods/ghost/exec?command=date&stdout=true`, {
        method: 'POST', ca: kc.ca, cert: kc.cert, key: kc.key,
        headers: { Connection: 'Upgrade', Upgrade: 'SPDY/3.1', 'X-Stream-Protocol-Version': 'v4.channel.k8s.io' },
      }, res => { res.resume(); resolve(res.statusCode ?? 0); });
      r.on('upgrade', res => resolve(res.statusCode ?? 0));
      r.on('error', reject);
      r.end();
    });
    assert.equal(execStatus, 404);

    const events = await eventually(() => {
      const evs = readAudit(auditDir);
      return evs.some(e => e.objectRef?.resource === 'configmaps' && e.verb === 'watch' && e.stage === 'ResponseComplete')
        && evs.some(e => e.objectRef?.name === 'ghost') && evs;
    }, 30_000, 'the watch and the exec to be audited');
    const createId = events.find(e => e.objectRef?.resource === 'secrets' && e.verb === 'create' && e.objectRef.name === 'db-pass')?.auditID;
    const secretCreate = events.filter(e => e.auditID === createId);
    assert.deepEqual(secretCreate.map(e => e.stage), ['RequestReceived', 'ResponseComplete']);
    for (const e of secretCreate) {
      assert.equal(e.level, 'Metadata');
      assert.equal(e.requestObject, undefined);
      assert.equal(e.responseObject, undefined);
      assert.equal(e.user.username, 'admin');
    }
    // The name of a create is known once its body is read, as upstream fills it from the request object.
    assert.deepEqual(secretCreate[0].objectRef, { resource: 'secrets', namespace: 'default', apiVersion: 'v1' });
    assert.deepEqual(secretCreate[1].objectRef, { resource: 'secrets', namespace: 'default', name: 'db-pass', apiVersion: 'v1' });
    assert.equal(secretCreate[1].responseStatus?.code, 201);
    assert.equal(secretCreate[1].annotations?.['authorization.k8s.io/decision'], 'allow');
    assert.match(secretCreate[1].stageTimestamp, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/);
    assert.ok(!JSON.stringify(events).includes(SECRET_B64), 'Metadata level never logs Secret data');
    const byHeader = events.filter(e => e.auditID === headerId);
    assert.deepEqual(byHeader.map(e => [e.stage, e.verb, e.objectRef?.name]), [['RequestReceived', 'get', 'db-pass'], ['ResponseComplete', 'get', 'db-pass']]);

    const cmCreate = events.filter(e => e.objectRef?.resource === 'configmaps' && e.verb === 'create');
    assert.deepEqual(cmCreate.map(e => e.stage), ['ResponseComplete'], 'the rule omits RequestReceived');
    assert.equal(cmCreate[0].level, 'RequestResponse');
    assert.equal(cmCreate[0].requestObject.data.mode, CM_TEXT);
    assert.equal(cmCreate[0].responseObject.data.mode, CM_TEXT);
    assert.equal(cmCreate[0].responseObject.metadata.managedFields, undefined, 'omitManagedFields');
    assert.equal(cmCreate[0].objectRef?.name, 'settings');
    const watch = events.filter(e => e.objectRef?.resource === 'configmaps' && e.verb === 'watch');
    assert.deepEqual(watch.map(e => e.stage), ['ResponseStarted', 'ResponseComplete']);
    assert.equal(watch[0].responseStatus?.code, 200);
    assert.equal(watch[1].responseObject, undefined, 'a watch has no response object');

    assert.equal(events.filter(e => e.objectRef?.resource === 'events').length, 0, 'get/list/watch of events is level None');
    assert.equal(events.filter(e => e.objectRef?.resource === 'namespaces').length, 0, 'no rule for namespaces: None');
    assert.ok(events.some(e => /^\/apis?(\?|$)/.test(e.requestURI) && e.level === 'Metadata' && !e.objectRef), 'discovery by nonResourceURLs');
    const exec = events.filter(e => e.objectRef?.name === 'ghost');
    assert.deepEqual(exec.map(e => [e.stage, e.verb, e.responseStatus?.code]), [['ResponseComplete', 'create', 404]]);
    assert.equal(exec[0].responseStatus?.reason, 'NotFound');
    const failed = events.filter(e => e.responseStatus?.code === 401);
    assert.equal(failed.length, 1);
    assert.deepEqual(failed[0].user, {});
    assert.equal(failed[0].stage, 'ResponseStarted');
    assert.equal(failed[0].responseStatus?.message, 'Authentication failed, no credentials provided');

    // ---- rotation: key2 first, restart, rewrite every Secret, then drop key1 ----
    const rvBefore = await c.k(['get', 'secret', 'db-pass', '-o', 'jsonpath={.metadata.resourceVersion}']);
    await c.stop('SIGTERM', true);
    writeFileSync(encPath, encryptionConfig([{ name: 'key2', secret: KEY2 }, { name: 'key1', secret: KEY1 }]));
    c = await TestCluster.start({ dataDir, extraArgs: args() });
    assert.equal(await c.k(['get', 'secret', 'db-pass', '-o', 'jsonpath={.data.password}']), SECRET_B64, 'key1 data reads with key2 first');
    // `kubectl get secrets -A -o json | kubectl replace -f -`, as upstream documents it (kubectl
    // validates the List itself, against /openapi/v2 in protobuf).
    const all = await c.k(['get', 'secrets', '-A', '-o', 'json']);
    await c.k(['replace', '-f', '-'], all);
    const rvAfter = await c.k(['get', 'secret', 'db-pass', '-o', 'jsonpath={.metadata.resourceVersion}']);
    assert.ok(Number(rvAfter) > Number(rvBefore), 'an unchanged Secret read with an old key is written again');
    assert.ok(storedValue(dataDir, secretKey).startsWith('k8s:enc:aescbc:v1:key2:'));
    assert.ok(storedValue(dataDir, '/registry/secrets/team/api-key').startsWith('k8s:enc:aescbc:v1:key2:'));
    // A second replace finds nothing stale: no write, same resourceVersion.
    await c.k(['replace', '-f', '-'], await c.k(['get', 'secrets', '-A', '-o', 'json']));
    assert.equal(await c.k(['get', 'secret', 'db-pass', '-o', 'jsonpath={.metadata.resourceVersion}']), rvAfter);
    await c.stop('SIGTERM', true);
    c = undefined;

    // Without the key the data was written with, the server refuses to start and says why.
    writeFileSync(encPath, encryptionConfig([{ name: 'key3', secret: KEY1 }]));
    await assert.rejects(TestCluster.start({ dataDir, extraArgs: args() }), /unable to transform key \\?"\/registry\/secrets\/[^"\\]+\\?": no matching key was found for the provided AES transformer/);

    writeFileSync(encPath, encryptionConfig([{ name: 'key2', secret: KEY2 }]));
    c = await TestCluster.start({ dataDir, extraArgs: args() });
    assert.equal(await c.k(['-n', 'team', 'get', 'secret', 'api-key', '-o', 'jsonpath={.data.key}']), SECRET_B64);
    assert.ok(!onDisk(dataDir, SECRET_B64), 'still nothing plain on disk');

    // ---- a provider switch: secretbox first, aescbc key2 still reads; a replace rewrites all ----
    await c.stop('SIGTERM', true);
    c = undefined;
    writeFileSync(encPath, JSON.stringify({
      apiVersion: 'apiserver.config.k8s.io/v1', kind: 'EncryptionConfiguration',
      resources: [{ resources: ['secrets'], providers: [{ secretbox: { keys: [{ name: 'box1', secret: BOX_KEY }] } }, { aescbc: { keys: [{ name: 'key2', secret: KEY2 }] } }] }],
    }));
    c = await TestCluster.start({ dataDir, extraArgs: args() });
    await c.k(['replace', '-f', '-'], await c.k(['get', 'secrets', '-A', '-o', 'json']));
    for (const key of [secretKey, '/registry/secrets/team/api-key']) {
      const value = Buffer.from(storedValue(dataDir, key), 'latin1');
      const prefix = 'k8s:enc:secretbox:v1:box1:';
      assert.equal(value.subarray(0, prefix.length).toString('latin1'), prefix, key);
      // Then a 24-byte nonce and the box (16-byte tag + ciphertext): 40 bytes more than the object.
      assert.ok(value.length > prefix.length + 40, key);
    }
    assert.equal(await c.k(['get', 'secret', 'db-pass', '-o', 'jsonpath={.data.password}']), SECRET_B64);
    assert.ok(!onDisk(dataDir, SECRET_B64) && !onDisk(dataDir, SECRET_TEXT), 'no Secret data on disk in plaintext under secretbox');

    // ---- the audit log rotates by size (1 MB) with lumberjack's names, keeping 3 backups ----
    const big = 'x'.repeat(300_000);
    for (let i = 0; i < 8; i++) await c.k(['create', '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `big-${i}` }, data: { blob: big } }));
    const files = readdirSync(auditDir).sort();
    const backups = files.filter(n => /^audit-\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}\.\d{3}\.log$/.test(n));
    assert.ok(files.includes('audit.log'));
    assert.equal(backups.length, 3, `backups: ${files.join(', ')}`);
    assert.equal(files.length, 4);
    for (const f of files) assert.ok(statSync(join(auditDir, f)).size <= 1024 * 1024, `${f} is within --audit-log-maxsize`);
    const bigEvents = readAudit(auditDir).filter(e => e.objectRef?.name?.startsWith('big-') && e.verb === 'create');
    assert.ok(bigEvents.some(e => e.objectRef?.name === 'big-7'), 'the newest event is in the current file');
  } finally {
    await c?.stop('SIGTERM', true);
    rmSync(root, { recursive: true, force: true });
  }
});
