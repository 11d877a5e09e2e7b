// API aggregation end to end with the real kubectl: `k8ts sample-apiserver` (echo.k8ts.io/v1) runs
// on 127.0.0.1 behind a selectorless Service whose EndpointSlice points there, registered with an
// APIService that trusts its certificate through caBundle. kubectl discovers its resource, reaches
// it through the API server (which authenticates and authorizes, then names the caller in
// X-Remote-* headers signed off by the front-proxy certificate), watches it, and sees the
// APIService's Available condition follow the backend.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'node:tls';
import { after, before, describe, test } from 'node:test';
import { loadKubeconfig } from '../../src/client/kubeconfig.js';
import { createCA, issueCertificate } from '../../src/pki/certificates.js';
import { TestCluster, eventually } from './harness.js';
import { startSampleServer, stopSampleServer, type SampleServer } from './support/sample-server.js';

const NS = 'echo-system';
const APISERVICE = 'v1.echo.k8ts.io';

describe('API aggregation with kubectl', () => {
  let c: TestCluster;
  let dir: string;
  let sample: SampleServer | undefined;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'k8ts-aggregation-'));
    const ca = await createCA('echo-ca');
    const serving = await issueCertificate(ca, { commonName: 'echo-api', usage: 'server', dnsNames: [`echo-api.${NS}.svc`] });
    writeFileSync(join(dir, 'ca.crt'), ca.cert);
    writeFileSync(join(dir, 'tls.crt'), serving.cert);
    writeFileSync(join(dir, 'tls.key'), serving.key);
    c = await TestCluster.start();
    sample = await startSampleServer('sample-apiserver', dir, 0, ['--kubeconfig', c.kubeconfig]);
  });

  after(async () => {
    await stopSampleServer(sample);
    await c?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const apiServiceRow = async () => (await c.k(['get', 'apiservice', APISERVICE, '--no-headers'])).trim().split(/\s{2,}/);

  test('every built-in group-version has a local APIService, available at once', async () => {
    const out = await c.k(['get', 'apiservices']);
    assert.match(out, /^NAME\s+SERVICE\s+AVAILABLE\s+AGE\n/);
    for (const name of ['v1.', 'v1.apps', 'v2.autoscaling', 'v1.rbac.authorization.k8s.io', 'v1.apiextensions.k8s.io']) {
      assert.match(out, new RegExp(`^${name.replace(/\./g, '\\.')}\\s+Local\\s+True\\s+`, 'm'), `${name} in\n${out}`);
    }
    const bad = await c.kubectl(['create', '-f', '-'], JSON.stringify({
      apiVersion: 'apiregistration.k8s.io/v1', kind: 'APIService', metadata: { name: 'v1.wrong.io' },
      spec: { group: 'echo.k8ts.io', version: 'v1', groupPriorityMinimum: 30000, versionPriority: 15, service: { namespace: NS, name: 'echo-api' }, insecureSkipTLSVerify: true, caBundle: 'AAAA' },
    }));
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /The APIService "v1\.wrong\.io" is invalid/);
    assert.match(bad.stderr, /metadata\.name: Invalid value: "v1\.wrong\.io": must be `spec\.version\+"\."\+spec\.group`: "v1\.echo\.k8ts\.io"/);
    assert.match(bad.stderr, /spec\.groupPriorityMinimum: Invalid value: 30000: must be positive and less than 20000/);
    assert.match(bad.stderr, /spec\.insecureSkipTLSVerify: Invalid value: true: may not be true if caBundle is present/);
  });

  test('a CRD group-version gets a local APIService while a CRD serves it', async () => {
    await c.k(['create', '-f', '-'], JSON.stringify({
      apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 'widgets.stable.example.com' },
      spec: {
        group: 'stable.example.com', scope: 'Namespaced', names: { plural: 'widgets', singular: 'widget', kind: 'Widget' },
        versions: [
          { name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } },
          { name: 'v1beta1', served: false, storage: false, schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } },
        ],
      },
    }));
    const local = await eventually(async () => {
      const r = await c.kubectl(['get', 'apiservice', 'v1.stable.example.com', '-o', 'json']);
      return r.code === 0 && JSON.parse(r.stdout);
    }, 10_000, 'the CRD\'s APIService');
    assert.deepEqual(
      [local.metadata.labels['kube-aggregator.kubernetes.io/automanaged'], local.spec.groupPriorityMinimum, local.spec.versionPriority, local.status.conditions[0].reason],
      ['true', 1000, 100, 'Local'],
    );
    assert.equal((await c.kubectl(['get', 'apiservice', 'v1beta1.stable.example.com'])).code, 1, 'not served, not registered');
    await c.k(['delete', 'crd', 'widgets.stable.example.com']);
    await eventually(async () => (await c.kubectl(['get', 'apiservice', 'v1.stable.example.com'])).code === 1, 20_000, 'the APIService to go with the CRD');
  });

  test('an extension server behind a Service: Available, discovered, reached as the caller', async () => {
    await c.k(['create', 'namespace', NS]);
    await c.k(['create', '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'echo-api', namespace: NS }, spec: { ports: [{ port: 443, targetPort: sample!.port }] } }));
    await c.k(['create', '-f', '-'], JSON.stringify({
      apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', metadata: { name: 'echo-api-local', namespace: NS, labels: { 'kubernetes.io/service-name': 'echo-api' } },
      addressType: 'IPv4', endpoints: [{ addresses: ['127.0.0.1'], conditions: { ready: true } }], ports: [{ name: '', port: sample!.port, protocol: 'TCP' }],
    }));
    await c.k(['create', '-f', '-'], JSON.stringify({
      apiVersion: 'apiregistration.k8s.io/v1', kind: 'APIService', metadata: { name: APISERVICE },
      spec: { group: 'echo.k8ts.io', version: 'v1', groupPriorityMinimum: 1000, versionPriority: 15, service: { namespace: NS, name: 'echo-api' }, caBundle: Buffer.from(readFileSync(join(dir, 'ca.crt'))).toString('base64') },
    }));
    await eventually(async () => (await apiServiceRow()).join(' ') .includes(`${NS}/echo-api True`), 20_000, 'the APIService to become Available');
    const condition = JSON.parse(await c.k(['get', 'apiservice', APISERVICE, '-o', 'jsonpath={.status.conditions[0]}']));
    assert.deepEqual([condition.reason, condition.message], ['Passed', 'all checks passed']);

    const resources = await c.k(['api-resources', '--api-group=echo.k8ts.io']);
    assert.match(resources, /^echoes\s+echo\.k8ts\.io\/v1\s+false\s+Echo$/m);
    assert.match(await c.k(['api-versions']), /^echo\.k8ts\.io\/v1$/m);
    assert.equal(JSON.parse(await c.k(['get', '--raw', '/apis/echo.k8ts.io'])).preferredVersion.groupVersion, 'echo.k8ts.io/v1');

    // kubectl get through the API server: the extension server sees the caller the front proxy names.
    assert.match(await c.k(['get', 'echoes']), /^you\s+admin\s+system:masters,system:authenticated$/m);
    const you = JSON.parse(await c.k(['get', 'echo', 'you', '-o', 'json']));
    assert.deepEqual(you.spec, { user: 'admin', groups: ['system:masters', 'system:authenticated'] });

    // OpenAPI v3: the index lists the server's document (its entry downloaded in the background
    // once the APIService is Available), which kubectl explain reads through us.
    let index: Record<string, { serverRelativeURL: string }> = {};
    await eventually(async () => {
      index = JSON.parse(await c.k(['get', '--raw', '/openapi/v3'])).paths;
      return index['apis/echo.k8ts.io/v1'] !== undefined;
    }, 10_000, 'the extension\'s document in the /openapi/v3 index');
    assert.match(index['apis/echo.k8ts.io/v1'].serverRelativeURL, /^\/openapi\/v3\/apis\/echo\.k8ts\.io\/v1\?hash=[0-9A-F]{128}$/);
    assert.ok(index['apis/apps/v1'], 'the built-in documents are still listed');
    const explained = await c.k(['explain', 'echoes.spec']);
    assert.match(explained, /^GROUP:\s+echo\.k8ts\.io\nKIND:\s+Echo\nVERSION:\s+v1\n/);
    assert.match(explained, /^  user\t<string>\n    The user name from X-Remote-User\.$/m);

    // OpenAPI v2: the server's Swagger document, downloaded in the background once the APIService
    // is Available, is merged into the cluster's, in JSON and protobuf.
    let v2: { paths: Record<string, unknown>; definitions: Record<string, Record<string, unknown>> } = { paths: {}, definitions: {} };
    await eventually(async () => {
      v2 = JSON.parse(await c.k(['get', '--raw', '/openapi/v2']));
      return v2.paths['/apis/echo.k8ts.io/v1/echoes'] !== undefined;
    }, 10_000, 'the extension\'s paths to be merged into /openapi/v2');
    assert.ok(v2.paths['/api/v1/pods'], 'the cluster\'s own paths stay');
    assert.deepEqual(v2.definitions['io.k8ts.echo.v1.Echo']['x-kubernetes-group-version-kind'], [{ group: 'echo.k8ts.io', version: 'v1', kind: 'Echo' }]);
    assert.equal(v2.paths['/openapi/v2'], undefined, 'only /apis/ paths come from the extension');
    const explainedV2 = await c.k(['explain', 'echoes.spec', '--output=plaintext-openapiv2']);
    assert.match(explainedV2, /^KIND:\s+Echo\nVERSION:\s+echo\.k8ts\.io\/v1\n/);
    assert.match(explainedV2, /^   user\t<string>\n     The user name from X-Remote-User\.$/m);
  });

  test('the API server authorizes first; impersonated users reach the server under their own name', async () => {
    const denied = await c.kubectl(['get', 'echoes', '--as=jane', '--as-group=devs']);
    assert.notEqual(denied.code, 0);
    assert.match(denied.stderr, /echoes\.echo\.k8ts\.io is forbidden: User "jane" cannot list resource "echoes" in API group "echo\.k8ts\.io" at the cluster scope/);
    await c.k(['create', 'clusterrole', 'echo-reader', '--verb=get,list,watch', '--resource=echoes.echo.k8ts.io']);
    await c.k(['create', 'clusterrolebinding', 'jane-echo', '--clusterrole=echo-reader', '--user=jane']);
    await eventually(async () => {
      const r = await c.kubectl(['get', 'echo', 'you', '--as=jane', '--as-group=devs', '-o', 'jsonpath={.spec.user}/{.spec.groups}']);
      return r.code === 0 && r.stdout === 'jane/["devs","system:authenticated"]';
    }, 30_000, 'jane to read the echo');
  });

  test('watches and upgraded streams pass through', async () => {
    const [cmd, ...args] = c.kubectlCommand(['get', 'echoes', '--watch', '--output-watch-events']);
    const watch = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    watch.stdout!.on('data', d => { out += String(d); });
    try {
      await eventually(() => /ADDED\s+you\s+admin/.test(out), 30_000, `the watch event (got ${JSON.stringify(out)})`);
      // Still streaming: the watch has not ended.
      await new Promise(r => setTimeout(r, 500));
      assert.equal(watch.exitCode, null);
    } finally {
      watch.kill('SIGTERM');
    }

    const config = loadKubeconfig(c.kubeconfig);
    const server = new URL(config.server);
    const echoed = await new Promise<string>((resolve, reject) => {
      const socket = connect({ host: server.hostname, port: Number(server.port), ca: config.ca, cert: config.cert, key: config.key, servername: 'localhost' }, () => {
        socket.write(`POST /apis/echo.k8ts.io/v1/echoes/you/stream HTTP/1.1\r\nHost: ${server.host}\r\nConnection: Upgrade\r\nUpgrade: echo\r\n\r\n`);
      });
      let got = '';
      socket.on('data', d => {
        got += String(d);
        if (got.includes('\r\n\r\n') && !got.includes('ping')) socket.write('ping');
        if (got.endsWith('ping')) {
          socket.destroy();
          resolve(got);
        }
      });
      socket.on('error', reject);
      setTimeout(() => reject(new Error(`no echo: ${JSON.stringify(got)}`)), 10_000).unref();
    });
    assert.match(echoed, /^HTTP\/1\.1 101 Switching Protocols\r\n/);
    assert.ok(echoed.endsWith('\r\n\r\nping'));
  });

  test('the backend goes away: Available turns False with upstream reasons; requests get 503', async () => {
    await stopSampleServer(sample);
    // Nothing watched changed: the periodic recheck (or any change to the APIService) notices.
    await c.k(['label', 'apiservice', APISERVICE, 'recheck=1']);
    const failed = await eventually(async () => {
      const row = await apiServiceRow();
      return row[2] === 'False (FailedDiscoveryCheck)' && row;
    }, 30_000, 'FailedDiscoveryCheck');
    assert.equal(failed[1], `${NS}/echo-api`);
    const message = await c.k(['get', 'apiservice', APISERVICE, '-o', 'jsonpath={.status.conditions[0].message}']);
    assert.match(message, new RegExp(`^failing or missing response from https://127\\.0\\.0\\.1:${sample!.port}/apis/echo\\.k8ts\\.io/v1: Get "https://127\\.0\\.0\\.1:${sample!.port}/apis/echo\\.k8ts\\.io/v1": dial tcp 127\\.0\\.0\\.1:${sample!.port}: connect: connection refused$`));
    const unavailable = await c.kubectl(['get', 'echoes']);
    assert.notEqual(unavailable.code, 0);
    assert.match(unavailable.stderr, /the server is currently unable to handle the request/);

    await c.k(['delete', 'endpointslice', 'echo-api-local', '-n', NS]);
    await eventually(async () => (await apiServiceRow())[2] === 'False (EndpointsNotFound)', 30_000, 'EndpointsNotFound');
    await c.k(['delete', 'service', 'echo-api', '-n', NS]);
    await eventually(async () => (await apiServiceRow())[2] === 'False (ServiceNotFound)', 30_000, 'ServiceNotFound');
    const message2 = await c.k(['get', 'apiservice', APISERVICE, '-o', 'jsonpath={.status.conditions[0].message}']);
    assert.equal(message2, `service/echo-api in "${NS}" is not present`);
  });
});
