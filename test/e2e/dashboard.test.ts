// The dashboard in a real browser: headless chromium (Debian's package) driven by playwright-core,
// against a cluster with a real node. Chromium runs inside the server's network namespace (through
// an nsenter wrapper), so its traffic stays in namespaces the test created. An admin signs in with
// a static token, goes namespaces → Deployment → its pod, follows the pod's log, runs `echo hi`
// in the exec terminal, scales the Deployment and adds a label in the YAML editor; the Why panel of a
// pending pod says why; a user bound to one namespace sees the 403 state for another, and finds the
// workload's line in the log search.
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { parse, stringify } from 'yaml';
import { BUSYBOX_IMAGE } from '../../src/kubelet/images/builtin.js';
import { eventually } from './harness.js';
import { NetnsCluster } from './support/netns-cluster.js';

const CHROMIUM = '/usr/bin/chromium';
const ADMIN_TOKEN = 'dashboard-admin-token';
const LIMITED_TOKEN = 'dashboard-limited-token';

const WORKLOAD = `
apiVersion: v1
kind: Namespace
metadata: {name: dash}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: dash}
spec:
  replicas: 1
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      terminationGracePeriodSeconds: 1
      containers:
      - {name: web, image: ${BUSYBOX_IMAGE}, command: [sh, -c, 'echo started; exec sleep 3600']}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: lee-view, namespace: dash}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}
subjects:
- {apiGroup: rbac.authorization.k8s.io, kind: User, name: lee}
`;

describe('dashboard (headless chromium)', { skip: existsSync(CHROMIUM) ? false : `${CHROMIUM} is missing (scripts/install-deps.sh installs Debian's chromium)` }, () => {
  let c: NetnsCluster;
  let dir: string;
  let browser: Browser;
  let base: string;
  const pageErrors: string[] = [];

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'k8ts-dashboard-'));
    writeFileSync(join(dir, 'tokens.csv'), `${ADMIN_TOKEN},dash-admin,901,"system:masters"\n${LIMITED_TOKEN},lee,902\n`);
    c = await NetnsCluster.start({ agents: 0, serverArgs: ['--token-auth-file', join(dir, 'tokens.csv')] });
    base = `https://${c.server.ip}:6443/dashboard/`;
    await c.k(['apply', '-f', '-'], WORKLOAD);
    await c.k(['-n', 'dash', 'rollout', 'status', 'deployment/web', '--timeout=120s']);
    // The browser runs in the LAN namespace, as on another machine; playwright talks to it over
    // inherited pipes. Not in the server's namespace: chromium aborts page loads with
    // ERR_NETWORK_CHANGED whenever an address appears in its namespace, and every pod started on the
    // server's node adds a veth (with its IPv6 link-local address) there.
    const wrapper = join(dir, 'chromium-in-netns');
    writeFileSync(wrapper, `#!/bin/sh\nexec nsenter --net=${c.lanNetnsPath} -- ${CHROMIUM} "$@"\n`);
    chmodSync(wrapper, 0o755);
    browser = await chromium.launch({ executablePath: wrapper });
  });
  after(async () => {
    await browser?.close();
    await c?.destroy();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function signIn(token: string): Promise<Page> {
    const page = await (await browser.newContext({ ignoreHTTPSErrors: true })).newPage();
    // Script errors fail the test with their message rather than as a missing element later.
    page.on('pageerror', err => pageErrors.push(err.message));
    page.on('console', msg => { if (msg.type() === 'error') pageErrors.push(msg.text()); });
    const response = await page.goto(base);
    assert.equal(response?.status(), 200);
    assert.match(response!.headers()['content-security-policy'] ?? '', /script-src 'self'/);
    await page.waitForSelector('textarea[name=token]').catch(async err => { throw new Error(`${err.message}\npage errors: ${pageErrors.join('\n')}\nbody: ${await page.content()}`); });
    await page.fill('textarea[name=token]', token);
    await page.click('button[type=submit]');
    await page.waitForSelector('header').catch(err => { throw new Error(`${err.message}\npage errors: ${pageErrors.join('\n')}\npage: ${page.url()}`); });
    return page;
  }

  const podName = async () => (await c.k(['-n', 'dash', 'get', 'pods', '-l', 'app=web', '-o', 'jsonpath={.items[0].metadata.name}'])).trim();

  test('admin: namespaces → Deployment → pod; followed log, exec `echo hi`, scale, YAML edit by server-side apply', async () => {
    const page = await signIn(ADMIN_TOKEN);
    await page.click('a[href="#/ns/dash"]');
    await page.click('.kind-deployments a[href="#/ns/dash/deployments/web"]');
    await page.waitForSelector('[data-testid=rollout]:has-text("1/1 ready")');
    const pod = await podName();
    await page.click(`a[href="#/ns/dash/pods/${pod}"]`);

    // Logs: the line from start, then one written after the view opened.
    await page.waitForSelector('[data-testid=logs]:has-text("started")');
    const marker = `written-after-open-${Date.now()}`;
    await c.k(['-n', 'dash', 'exec', pod, '--', 'sh', '-c', `echo ${marker} > /proc/1/fd/1`]);
    await page.waitForSelector(`[data-testid=logs]:has-text("${marker}")`, { timeout: 20_000 });

    // Exec: a shell over the WebSocket; `hi` comes back on its own line.
    await page.click('button:has-text("Open shell")');
    await page.waitForSelector('[data-testid=exec-status]:has-text("connected")');
    await page.click('[data-testid=terminal]');
    await page.keyboard.type('echo hi\r');
    await eventually(async () => /(^|\n)hi\s*(\n|$)/.test(await page.innerText('[data-testid=terminal] .xterm-rows')), 30_000, 'hi in the terminal');

    // Scale through the scale subresource.
    await page.goto(`${base}#/ns/dash/deployments/web`);
    await page.fill('input[name=replicas]', '2');
    await page.click('form.scale button[type=submit]');
    await eventually(async () => (await c.k(['-n', 'dash', 'get', 'deployment', 'web', '-o', 'jsonpath={.spec.replicas}'])).trim() === '2', 30_000, 'replicas 2');
    await page.waitForSelector('[data-testid=rollout]:has-text("/2 ready")');

    // YAML: add a label in the editor and apply it.
    await page.click('.yaml button:has-text("Edit")');
    const doc = parse(await page.inputValue('textarea[name=yaml]'));
    doc.metadata.labels = { ...doc.metadata.labels, 'edited-in': 'dashboard' };
    await page.fill('textarea[name=yaml]', stringify(doc));
    await page.click('.yaml button:has-text("Apply")');
    await page.waitForSelector('.yaml [role=status]:has-text("Applied")');
    assert.equal((await c.k(['-n', 'dash', 'get', 'deployment', 'web', '-o', 'jsonpath={.metadata.labels.edited-in}'])).trim(), 'dashboard');
    const managers = await c.k(['-n', 'dash', 'get', 'deployment', 'web', '--show-managed-fields', '-o', 'jsonpath={.metadata.managedFields[*].manager}']);
    assert.match(managers, /k8ts-dashboard/);
    await page.context().close();
  });

  test('log search: the workload\'s line with its pod and container; a namespace the user may not read is a 403 state', async () => {
    const pod = await podName();
    const page = await signIn(LIMITED_TOKEN);
    await page.click('a[href="#/logs"]');
    await page.fill('.log-search input[name=q]', 'started');
    await page.fill('.log-search input[name=namespace]', 'dash');
    // The node ships a line about a second after it is written.
    const row = await eventually(async () => {
      await page.click('.log-search button[type=submit]');
      await page.waitForTimeout(500);
      const rows = await page.locator(`[data-testid=log-results] tr:has-text("${pod}")`).allInnerTexts();
      return rows[0];
    }, 30_000, 'the workload\'s line in the search results');
    assert.deepEqual(row.split('\t').slice(1), ['dash', pod, 'web', 'started']);
    await page.fill('.log-search input[name=namespace]', 'kube-system');
    await page.click('.log-search button[type=submit]');
    const forbidden = await page.waitForSelector('.log-search [data-testid=forbidden]');
    assert.match(await forbidden.innerText(), /cannot get resource "pods\/log"/);
    await page.context().close();
  });

  test('the Why panel of a pending pod shows the scheduler\'s reason, node by node', async () => {
    await c.k(['apply', '-f', '-'], `apiVersion: v1
kind: Pod
metadata: {name: nowhere, namespace: dash}
spec:
  nodeSelector: {disk: none}
  containers: [{name: c, image: ${BUSYBOX_IMAGE}}]
`);
    const page = await signIn(ADMIN_TOKEN);
    await page.goto(`${base}#/ns/dash/pods/nowhere`);
    const summary = await page.waitForSelector('[data-testid=why-summary]:has-text("nodes are available")', { timeout: 30_000 });
    assert.match(await summary.innerText(), /^Pending: not scheduled: 0\/1 nodes are available: 1 node\(s\) didn't match Pod's node affinity\/selector\./);
    await page.waitForSelector('[data-testid=why] td:has-text("rejected by the NodeAffinity filter")', { timeout: 15_000 });
    await page.context().close();
  });

  test('a user bound to one namespace sees it, and a 403 state for another', async () => {
    const page = await signIn(LIMITED_TOKEN);
    await page.waitForSelector('[data-testid=forbidden]');
    await page.goto(`${base}#/ns/dash`);
    await page.waitForSelector('.kind-deployments a[href="#/ns/dash/deployments/web"]');
    await page.goto(`${base}#/ns/kube-system`);
    const forbidden = await page.waitForSelector('.kind-deployments [data-testid=forbidden]');
    assert.match(await forbidden.innerText(), /403 Forbidden/);
    assert.match(await forbidden.innerText(), /cannot list resource "deployments"/);
    await page.context().close();
  });
});
