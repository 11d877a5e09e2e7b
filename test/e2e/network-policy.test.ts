// NetworkPolicy enforced on real nodes (support/netns-cluster.ts: the server's node and two agents,
// each in its own network namespace, real containerd): pods connect by pod IP, on the same node
// (bridged) and across nodes (routed), and each policy shape allows exactly what upstream says —
// default deny, podSelector, namespaceSelector, both combined, ipBlock with except, numeric, named
// and endPort ports, egress deny and allow (including pods reaching their own node), a policy added
// under an open connection (it stays; new ones follow the policy), removal restoring traffic, a
// restarted agent taking over its rules. The kubelet's probes still reach isolated pods. Afterwards every chain and ipset the enforcers made is
// removed by cleanupNetworkPolicyRules in every node's namespace.
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { BUSYBOX_IMAGE } from '../../src/kubelet/images/builtin.js';
import { eventually, run } from './harness.js';
import { NetnsCluster } from './support/netns-cluster.js';

const CLEANUP_MODULE = fileURLToPath(new URL('../../src/netpol/cleanup.js', import.meta.url));
const OURS = /KUBE-NWPLCY-/;

// The server pod answers HTTP on 8080 (named http), 8081 (alt) and 9090 (high), and takes one
// long-lived TCP stream on 7000 whose lines it appends to /tmp/ticks (its nc's own stdin never ends,
// or it would close the stream).
const SERVER_SCRIPT = 'mkdir -p /www && echo hello > /www/index.html && httpd -p 8081 -h /www && httpd -p 9090 -h /www && '
  + '(sleep 3600 | nc -l -p 7000 > /tmp/ticks &) && exec httpd -f -p 8080 -h /www';

type Result = 'ok' | 'dropped' | string;

interface PodLike {
  metadata: { name: string; namespace: string };
  status?: { podIP?: string; conditions?: { type: string; status: string }[] };
}

function podManifest(ns: string, name: string, node: string, labels: Record<string, string>, command: string[], extra: Record<string, unknown> = {}): object {
  return {
    apiVersion: 'v1', kind: 'Pod', metadata: { namespace: ns, name, labels },
    spec: { nodeName: node, terminationGracePeriodSeconds: 1, containers: [{ name: 'main', image: BUSYBOX_IMAGE, command, ...extra }] },
  };
}

function policy(ns: string, name: string, spec: object): string {
  return JSON.stringify({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { namespace: ns, name }, spec });
}

describe('NetworkPolicy enforcement across nodes', () => {
  let c: NetnsCluster;
  const ip: Record<string, string> = {};

  /** One connection attempt from a pod: 'ok' (answered), 'dropped' (timed out), else the failure. */
  const reach = async (from: string, to: string, port: number): Promise<Result> => {
    const [ns, pod] = from.split('/');
    const r = await c.kubectl(['exec', '-n', ns, pod, '--', 'timeout', '3', 'wget', '-qO-', `http://${ip[to] ?? to}:${port}/`]);
    if (r.code === 0) return 'ok';
    if (/exit code 143/.test(r.stderr)) return 'dropped';
    return `failed (${r.code}): ${r.stderr.trim()}`;
  };

  /** Waits until every [from, to, port, expected] holds in one round of parallel attempts. */
  const expectMatrix = async (what: string, cases: [string, string, number, Result][]) => {
    let last: string[] = [];
    await eventually(async () => {
      const got = await Promise.all(cases.map(([from, to, port]) => reach(from, to, port)));
      last = cases.map(([from, to, port, want], i) => `${from} -> ${to}:${port}: want ${want}, got ${got[i]}`).filter((_, i) => got[i] !== cases[i][3]);
      return last.length === 0;
    }, 30_000, `${what}:\n${last.join('\n')}`).catch(err => {
      throw new Error(`${(err as Error).message}\n${last.join('\n')}`);
    });
  };

  const apply = (manifest: string) => c.k(['apply', '-f', '-'], manifest);
  const remove = (ns: string, name: string) => c.k(['delete', 'networkpolicy', '-n', ns, name]);
  const nodeRules = (node: string) => c.inNode(node, 'iptables-save', ['-t', 'filter']).split('\n').filter(l => OURS.test(l));
  const nodeSets = (node: string) => c.inNode(node, 'ipset', ['list', '-n']).split('\n').filter(l => OURS.test(l));

  before(async () => {
    c = await NetnsCluster.start({ agents: 2 });
    for (const [ns, team] of [['np-a', 'a'], ['np-b', 'b']]) {
      await c.k(['create', 'namespace', ns]);
      await c.k(['label', 'namespace', ns, `team=${team}`]);
    }
    await eventually(async () => (await c.kubectl(['get', 'serviceaccount', 'default', '-n', 'np-b'])).code === 0, 30_000, 'default service accounts');
    const sleeper = ['sleep', '3600'];
    const pods = [
      podManifest('np-a', 'server', 'agent-1', { app: 'server' }, ['sh', '-c', SERVER_SCRIPT], {
        ports: [{ name: 'http', containerPort: 8080 }, { name: 'alt', containerPort: 8081 }, { name: 'high', containerPort: 9090 }],
        readinessProbe: { httpGet: { path: '/', port: 8080 }, periodSeconds: 1, failureThreshold: 2 },
      }),
      podManifest('np-a', 'client-near', 'agent-1', { app: 'client' }, sleeper),
      podManifest('np-a', 'client-far', 'agent-2', { app: 'client' }, sleeper),
      podManifest('np-a', 'stranger', 'agent-2', { app: 'stranger' }, sleeper),
      podManifest('np-b', 'client', 'agent-2', { app: 'client' }, sleeper),
      podManifest('np-b', 'other', 'agent-1', { app: 'other' }, sleeper),
    ];
    await apply(pods.map(p => JSON.stringify(p)).join('\n'));
    for (const ns of ['np-a', 'np-b']) await c.k(['wait', '--for=condition=Ready', 'pod', '--all', '-n', ns, '--timeout=90s']);
    for (const ns of ['np-a', 'np-b']) {
      const list = JSON.parse(await c.k(['get', 'pods', '-n', ns, '-o', 'json'])) as { items: PodLike[] };
      for (const p of list.items) ip[`${ns}/${p.metadata.name}`] = p.status!.podIP!;
    }
    // A stream opened before any policy: one line every 200 ms from a pod on the other agent.
    await apply(JSON.stringify(podManifest('np-a', 'ticker', 'agent-2', { app: 'ticker' },
      ['sh', '-c', `i=0; while true; do i=$((i+1)); echo $i; sleep 0.2; done | nc ${ip['np-a/server']} 7000; sleep 3600`])));
    await c.k(['wait', '--for=condition=Ready', 'pod/ticker', '-n', 'np-a', '--timeout=60s']);
  });

  after(async () => {
    if (!c) return;
    try {
      // Stopping an agent leaves its rules (pods stay isolated); cleanup removes them and the sets.
      for (const n of [...c.nodes].reverse()) await c.stopNode(n.name);
      assert.ok(nodeRules('agent-1').length > 0, 'rules stay after the agent stops');
      for (const n of c.nodes) {
        const r = await run('nsenter', [`--net=${n.netns.path}`, '--', process.execPath, '--input-type=module', '-e',
          `const m = await import(${JSON.stringify(CLEANUP_MODULE)}); await m.cleanupNetworkPolicyRules();`]);
        assert.equal(r.code, 0, r.stderr);
        assert.deepEqual(nodeRules(n.name), [], `chains left on ${n.name}`);
        assert.deepEqual(nodeSets(n.name), [], `ipsets left on ${n.name}`);
      }
    } finally {
      await c.destroy();
    }
  });

  const ticks = async () => Number((await c.k(['exec', '-n', 'np-a', 'server', '--', 'wc', '-l', '/tmp/ticks'])).trim().split(/\s+/)[0]);

  test('without policies every pod reaches the server, on its node and across nodes', async () => {
    await expectMatrix('open cluster', [
      ['np-a/client-near', 'np-a/server', 8080, 'ok'],
      ['np-a/client-far', 'np-a/server', 8080, 'ok'],
      ['np-b/client', 'np-a/server', 8080, 'ok'],
    ]);
    const sent = await ticks();
    await sleep(1000);
    assert.ok(await ticks() > sent, 'the ticker stream is flowing');
  });

  test('default deny ingress: new connections dropped, the open stream and kubelet probes still pass', async () => {
    await apply(policy('np-a', 'default-deny', { podSelector: {}, policyTypes: ['Ingress'] }));
    await expectMatrix('default deny', [
      ['np-a/client-near', 'np-a/server', 8080, 'dropped'],
      ['np-a/client-far', 'np-a/server', 8080, 'dropped'],
      ['np-b/client', 'np-a/server', 8080, 'dropped'],
      ['np-a/ticker', 'np-a/server', 8080, 'dropped'],
    ]);
    const sent = await ticks();
    await sleep(1500);
    assert.ok(await ticks() > sent, 'the connection opened before the policy still carries data');
    // The readiness probe comes from the node itself, which policies leave alone.
    const server = JSON.parse(await c.k(['get', 'pod', 'server', '-n', 'np-a', '-o', 'json'])) as PodLike;
    assert.equal(server.status!.conditions!.find(x => x.type === 'Ready')!.status, 'True');
  });

  test('allow from a podSelector on a numeric port: same namespace only, both nodes', async () => {
    await apply(policy('np-a', 'allow', {
      podSelector: { matchLabels: { app: 'server' } },
      ingress: [{ from: [{ podSelector: { matchLabels: { app: 'client' } } }], ports: [{ protocol: 'TCP', port: 8080 }] }],
    }));
    await expectMatrix('podSelector', [
      ['np-a/client-near', 'np-a/server', 8080, 'ok'],
      ['np-a/client-far', 'np-a/server', 8080, 'ok'],
      ['np-a/client-near', 'np-a/server', 8081, 'dropped'],
      ['np-a/stranger', 'np-a/server', 8080, 'dropped'],
      ['np-b/client', 'np-a/server', 8080, 'dropped'],
    ]);
  });

  test('allow from a namespaceSelector', async () => {
    await apply(policy('np-a', 'allow', { podSelector: { matchLabels: { app: 'server' } }, ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: 'b' } } }] }] }));
    await expectMatrix('namespaceSelector', [
      ['np-b/client', 'np-a/server', 8080, 'ok'],
      ['np-b/other', 'np-a/server', 8080, 'ok'],
      ['np-a/client-near', 'np-a/server', 8080, 'dropped'],
    ]);
  });

  test('namespaceSelector and podSelector in one peer select pods that match both', async () => {
    await apply(policy('np-a', 'allow', {
      podSelector: { matchLabels: { app: 'server' } },
      ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: 'b' } }, podSelector: { matchLabels: { app: 'client' } } }] }],
    }));
    await expectMatrix('namespace AND pod selector', [
      ['np-b/client', 'np-a/server', 8080, 'ok'],
      ['np-b/other', 'np-a/server', 8080, 'dropped'],
      ['np-a/client-far', 'np-a/server', 8080, 'dropped'],
    ]);
  });

  test('ipBlock with except', async () => {
    await apply(policy('np-a', 'allow', {
      podSelector: { matchLabels: { app: 'server' } },
      ingress: [{ from: [{ ipBlock: { cidr: '10.42.0.0/16', except: [`${ip['np-a/client-far']}/32`] } }] }],
    }));
    await expectMatrix('ipBlock', [
      ['np-a/client-near', 'np-a/server', 8080, 'ok'],
      ['np-b/client', 'np-a/server', 8080, 'ok'],
      ['np-a/client-far', 'np-a/server', 8080, 'dropped'],
    ]);
  });

  test('named ports resolve on the server pod; endPort opens a range', async () => {
    await apply(policy('np-a', 'allow', {
      podSelector: { matchLabels: { app: 'server' } },
      ingress: [{ ports: [{ protocol: 'TCP', port: 'alt' }, { protocol: 'TCP', port: 9000, endPort: 9100 }] }],
    }));
    await expectMatrix('ports', [
      ['np-a/client-far', 'np-a/server', 8081, 'ok'],
      ['np-a/client-far', 'np-a/server', 9090, 'ok'],
      ['np-a/client-far', 'np-a/server', 8080, 'dropped'],
      ['np-b/client', 'np-a/server', 8081, 'ok'],
    ]);
  });

  test('removing the policies restores traffic', async () => {
    await remove('np-a', 'allow');
    await remove('np-a', 'default-deny');
    await expectMatrix('no policies again', [
      ['np-a/client-near', 'np-a/server', 8080, 'ok'],
      ['np-a/client-far', 'np-a/server', 8080, 'ok'],
      ['np-b/client', 'np-a/server', 8081, 'ok'],
    ]);
  });

  test('egress: deny all (the pod\'s own node included), then allow one destination and port', async () => {
    const nodeIP = c.node('agent-2').ip;
    const answered = await reach('np-b/client', nodeIP, 10250);
    assert.notEqual(answered, 'dropped', 'the kubelet port answers before any policy');
    await apply(policy('np-b', 'egress', { podSelector: { matchLabels: { app: 'client' } }, policyTypes: ['Egress'] }));
    await expectMatrix('egress deny', [
      ['np-b/client', 'np-a/server', 8080, 'dropped'],
      ['np-b/client', nodeIP, 10250, 'dropped'],
      ['np-b/other', 'np-a/server', 8080, 'ok'],
    ]);
    await apply(policy('np-b', 'egress', {
      podSelector: { matchLabels: { app: 'client' } }, policyTypes: ['Egress'],
      egress: [{ to: [{ namespaceSelector: { matchLabels: { team: 'a' } }, podSelector: { matchLabels: { app: 'server' } } }], ports: [{ protocol: 'TCP', port: 'http' }] }],
    }));
    await expectMatrix('egress allow', [
      ['np-b/client', 'np-a/server', 8080, 'ok'],
      ['np-b/client', 'np-a/server', 8081, 'dropped'],
      ['np-b/client', nodeIP, 10250, 'dropped'],
    ]);
  });

  test('a restarted agent takes over its rules: one hook, stale chains and sets removed, policies still enforced', async () => {
    await c.stopNode('agent-2');
    assert.equal(nodeRules('agent-2').filter(l => /^-A FORWARD .*-j KUBE-NWPLCY-FORWARD/.test(l)).length, 1, 'rules stay while the agent is down');
    c.inNode('agent-2', 'iptables', ['-N', 'KUBE-NWPLCY-STALE']);
    c.inNode('agent-2', 'ipset', ['create', 'KUBE-NWPLCY-STALE', 'hash:ip']);
    await c.restartAgent('agent-2');
    await eventually(() => !nodeRules('agent-2').some(l => l.includes('STALE')) && !nodeSets('agent-2').includes('KUBE-NWPLCY-STALE'), 30_000, 'stale chain and set removed');
    assert.equal(nodeRules('agent-2').filter(l => /^-A FORWARD .*-j KUBE-NWPLCY-FORWARD/.test(l)).length, 1);
    await expectMatrix('egress policy after the restart', [
      ['np-b/client', 'np-a/server', 8080, 'ok'],
      ['np-b/client', 'np-a/server', 8081, 'dropped'],
    ]);
  });

  test('a rule put above our hook (as kube-proxy does when it starts) is overtaken within seconds', async () => {
    const standIn = ['-m', 'comment', '--comment', 'e2e stand-in for kube-proxy', '-j', 'ACCEPT'];
    c.inNode('agent-2', 'iptables', ['-I', 'FORWARD', '1', ...standIn]);
    try {
      await eventually(() => /-j KUBE-NWPLCY-FORWARD/.test(c.inNode('agent-2', 'iptables', ['-S', 'FORWARD']).split('\n')[1] ?? ''), 30_000, 'our hook first in FORWARD again');
      await expectMatrix('egress policy with a rule below our hook', [['np-b/client', 'np-a/server', 8081, 'dropped']]);
    } finally {
      c.inNode('agent-2', 'iptables', ['-D', 'FORWARD', ...standIn]);
    }
  });

  test('a policy with a malformed CIDR is refused with upstream\'s message', async () => {
    const r = await c.kubectl(['apply', '-f', '-'], policy('np-a', 'bad', {
      podSelector: {}, ingress: [{ from: [{ ipBlock: { cidr: '10.0.0.0/16', except: ['10.1.0.0/24'] } }, { ipBlock: { cidr: '10.0.0.0/40' } }] }],
    }));
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /spec\.ingress\[0\]\.from\[0\]\.ipBlock\.except\[0\]: Invalid value: "10\.1\.0\.0\/24": must be a strict subset of `cidr`/);
    assert.match(r.stderr, /spec\.ingress\[0\]\.from\[1\]\.ipBlock\.cidr: Invalid value: "10\.0\.0\.0\/40": must be a valid CIDR value/);
  });
});
