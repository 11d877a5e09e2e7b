// The node agent ships its containers' log lines to the cluster log store, on a real node: a
// `k8ts server` and a `k8ts agent` each in their own network namespace (support/netns-cluster.ts),
// pods run on the agent's node. Lines are found by `k8ts logs search` with their namespace, pod and
// container, also after the pod is deleted; a log rotated while being written (a tiny
// --container-log-max-size) is shipped exactly once; lines written while the server is down, and
// across an agent restart, are shipped once it is back (resumed from the server's offsets). A
// deleted pod's log directory is removed once its lines are shipped; the pods' cgroup has the
// cpu.shares of the node's allocatable CPU.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, test } from 'node:test';
import { BUSYBOX_IMAGE } from '../../src/kubelet/images/builtin.js';
import { eventually, K8TS_BIN, run } from './harness.js';
import { NetnsCluster } from './support/netns-cluster.js';
import { pod } from './support/pods.js';

interface Found { time: string; namespace: string; pod: string; container: string; node: string; stream: string; line: string }

const NODE = 'agent-1';
/** `count` lines `<word> <i> <padding>` written `perSecond` a second, then the container idles. */
const writer = (name: string, word: string, count: number, perSecond: number, labels?: Record<string, string>) => pod(name, {
  nodeName: NODE, terminationGracePeriodSeconds: 1,
  containers: [{
    name: 'writer', image: BUSYBOX_IMAGE,
    command: ['sh', '-c', `i=0; while [ $i -lt ${count} ]; do echo "${word} $i ${'x'.repeat(80)}"; i=$((i+1)); [ $((i % ${perSecond})) = 0 ] && sleep 1; done; exec sleep 3600`],
  }],
}, { labels });

describe('log shipping from a real node', { timeout: 240_000 }, () => {
  let c: NetnsCluster;

  /** `k8ts logs search` as the admin, in the server's namespace. */
  const cliSearch = async (...args: string[]): Promise<Found[]> => {
    const r = await run('nsenter', [`--net=${c.server.netns.path}`, '--', process.execPath, K8TS_BIN, 'logs', 'search', '--kubeconfig', c.kubeconfig, '--output', 'json', ...args]);
    assert.equal(r.code, 0, r.stderr);
    return JSON.parse(r.stdout).items;
  };
  /** Every stored line holding `word`, all pages. */
  const allLines = async (word: string): Promise<Found[]> => {
    const out: Found[] = [];
    let token: string | undefined;
    do {
      const page = JSON.parse(await c.k(['get', '--raw', `/logs/v1/search?q=${word}&limit=1000${token ? `&continue=${token}` : ''}`]));
      out.push(...page.items);
      token = page.continue;
    } while (token);
    return out;
  };
  /** Asserts that lines `<word> 0` … `<word> <count-1>` are each stored exactly once. */
  const exactlyOnce = (lines: Found[], word: string, count: number) => {
    const seen = new Map<number, number>();
    for (const l of lines) {
      const i = Number(l.line.split(' ')[1]);
      seen.set(i, (seen.get(i) ?? 0) + 1);
    }
    const missing = Array.from({ length: count }, (_, i) => i).filter(i => !seen.has(i));
    const twice = [...seen].filter(([, n]) => n > 1).map(([i]) => i);
    assert.deepEqual({ missing: missing.slice(0, 20), twice: twice.slice(0, 20), total: lines.length }, { missing: [], twice: [], total: count }, `${word} lines`);
  };

  before(async () => {
    c = await NetnsCluster.start({ agents: 1, nodeArgs: ['--container-log-max-size', '16Ki'] });
    await c.waitForReadyNodes(2);
    // ~10 KB a second for 25 s: rotated (checked every 10 s) while it is written.
    await c.k(['apply', '-f', '-'], writer('chatter', 'chatmark', 2500, 100));
  });

  after(async () => {
    await c?.destroy();
  });

  test('a pod\'s lines are found with their pod and container, also after the pod is deleted', async () => {
    await c.k(['create', 'namespace', 'shop']);
    await c.k(['apply', '-n', 'shop', '-f', '-'], writer('speaker', 'parrotword', 3, 10, { app: 'speaker' }));
    const found = await eventually(async () => {
      const items = await cliSearch('parrotword', '--namespace', 'shop');
      return items.length === 3 ? items : undefined;
    }, 60_000, 'the speaker\'s lines searchable');
    assert.deepEqual(found.map(i => i.line.split(' ').slice(0, 2).join(' ')), ['parrotword 2', 'parrotword 1', 'parrotword 0'], 'newest first');
    for (const i of found) assert.deepEqual([i.namespace, i.pod, i.container, i.node, i.stream], ['shop', 'speaker', 'writer', NODE, 'stdout']);
    assert.equal((await cliSearch('parrotword', '--selector', 'app=speaker')).length, 3, 'by the pod\'s labels');
    assert.equal((await cliSearch('parrotword', '--selector', 'app=other')).length, 0);

    const podsDir = join(c.node(NODE).dataDir, 'agent', 'kubelet', 'pods');
    const logDir = () => readdirSync(podsDir).find(d => d.startsWith('shop_speaker_'));
    assert.ok(logDir(), 'the speaker\'s log directory');
    await c.k(['delete', 'pod', '-n', 'shop', 'speaker', '--wait=true']);
    const after = await cliSearch('parrotword');
    assert.deepEqual(after.map(i => `${i.namespace}/${i.pod}/${i.container}`), ['shop/speaker/writer', 'shop/speaker/writer', 'shop/speaker/writer']);
    // Shipped to its end and the pod gone: the kubelet's log GC (every 10 s) removes its directory.
    await eventually(() => logDir() === undefined, 40_000, 'the deleted pod\'s log directory removed');
  });

  test('the pods\' cgroup has the cpu.shares of the node\'s allocatable CPU', async () => {
    const node = JSON.parse(await c.k(['get', 'node', NODE, '-o', 'json'])) as { status: { allocatable: { cpu: string } } };
    const cores = Number(node.status.allocatable.cpu);
    const shares = readFileSync(join('/sys/fs/cgroup/cpu', c.cgroupRoot(c.node(NODE)), 'cpu.shares'), 'utf8').trim();
    assert.equal(shares, String(cores * 1024));
  });

  test('a log rotated while it is written is shipped exactly once', async () => {
    const podsDir = join(c.node(NODE).dataDir, 'agent', 'kubelet', 'pods');
    const containerDir = () => {
      const dir = readdirSync(podsDir).find(d => d.startsWith('default_chatter_'));
      return dir ? join(podsDir, dir, 'writer') : undefined;
    };
    await eventually(() => {
      const dir = containerDir();
      return dir && readdirSync(dir).some(f => /^0\.log\.\d{8}-\d{6}/.test(f));
    }, 60_000, 'the chatter\'s log rotated');
    await eventually(async () => (await allLines('chatmark')).length >= 2500, 90_000, 'every chatter line shipped');
    await sleep(2_000); // a duplicate would come within a shipping interval
    exactlyOnce(await allLines('chatmark'), 'chatmark', 2500);
  });

  test('lines written while the server is down, and across an agent restart, are shipped once', async () => {
    // 10 lines a second for ~40 s.
    await c.k(['apply', '-f', '-'], writer('gapper', 'gapmark', 400, 10));
    await eventually(async () => (await allLines('gapmark')).length > 0, 60_000, 'the first gapper lines shipped');
    await c.stopNode('server');
    await sleep(5_000);
    await c.restartServer();
    await sleep(2_000);
    await c.stopNode(NODE);
    await sleep(2_000);
    await c.restartAgent(NODE);
    await eventually(async () => (await allLines('gapmark')).length >= 400, 90_000, 'every gapper line shipped');
    await sleep(2_000);
    exactlyOnce(await allLines('gapmark'), 'gapmark', 400);
  });
});
