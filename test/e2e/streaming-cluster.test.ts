// Streaming in a real cluster: `k8ts server` (its embedded agent is one node) and a `k8ts agent`, each
// in its own network namespace (support/netns-cluster.ts). A pod on the agent's node, run by the
// kubelet, is reached with the real kubectl through the API server → the agent's kubelet server →
// containerd: logs (-f, --previous after a restart), exec with exit codes, port-forward, node proxy.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import { BUSYBOX_IMAGE } from '../../src/kubelet/images/builtin.js';
import { eventually, run } from './harness.js';
import { NetnsCluster } from './support/netns-cluster.js';

const POD = JSON.stringify({
  apiVersion: 'v1', kind: 'Pod', metadata: { name: 'streamer' },
  spec: {
    nodeName: 'agent-1',
    terminationGracePeriodSeconds: 1,
    volumes: [{ name: 'state', emptyDir: {} }],
    containers: [{
      name: 'httpd', image: BUSYBOX_IMAGE,
      // The first run says so and fails; the restarted one serves a page and logs "second" once told.
      command: ['sh', '-c', [
        'if [ ! -f /state/ran ]; then touch /state/ran; echo first run; exit 1; fi',
        'mkdir -p /www && echo served-by-streamer > /www/index.html',
        'echo restarted',
        'httpd -p 8080 -h /www',
        'while [ ! -f /tmp/go ]; do sleep 0.1; done; echo second',
        'exec sleep 3600',
      ].join('; ')],
      volumeMounts: [{ name: 'state', mountPath: '/state' }],
    }],
  },
});

describe('streaming in a netns cluster: kubectl → API server → kubelet server → containerd', () => {
  let c: NetnsCluster;
  /** kubectl in the server's namespace as spawn's (command, args), for the long-running ones. */
  const command = (args: string[]): [string, string[]] => {
    const [cmd, ...argv] = c.kubectlCommand(args);
    return [cmd, argv];
  };

  before(async () => {
    c = await NetnsCluster.start({ agents: 1 });
    await c.waitForReadyNodes(2);
    await c.k(['apply', '-f', '-'], POD);
    await eventually(async () => {
      const p = JSON.parse(await c.k(['get', 'pod', 'streamer', '-o', 'json']));
      const s = p.status?.containerStatuses?.[0];
      return s?.restartCount >= 1 && s.state?.running ? p : undefined;
    }, 90_000, 'streamer running after its first restart');
  });

  after(async () => {
    await c?.destroy();
  });

  test('logs of the current and the previous instance', async () => {
    assert.equal(await c.k(['logs', 'streamer']), 'restarted\n');
    assert.equal(await c.k(['logs', 'streamer', '--previous']), 'first run\n');
    assert.match(await c.k(['logs', 'streamer', '--timestamps', '--tail=1']), /^\d{4}-\d\d-\d\dT\S+ restarted\n$/);
  });

  test('logs -f streams a line written while following', async () => {
    const follow = spawn(...command(['logs', '-f', 'streamer']), { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    follow.stdout.on('data', d => (out += d));
    const exited = new Promise(resolve => follow.once('close', resolve));
    try {
      await eventually(() => out.includes('restarted\n'), 30_000, 'the first line');
      await c.k(['exec', 'streamer', '--', 'touch', '/tmp/go']);
      await eventually(() => out.includes('second\n'), 30_000, 'the line written while following');
      assert.equal(out, 'restarted\nsecond\n');
    } finally {
      follow.kill('SIGTERM');
      await exited;
    }
  });

  test('exec returns output and exit codes, stdin included', async () => {
    const r = await c.kubectl(['exec', 'streamer', '--', 'sh', '-c', 'cat /www/index.html; echo oops >&2; exit 5']);
    assert.equal(r.code, 5);
    assert.equal(r.stdout, 'served-by-streamer\n');
    // kubectl reports the remote exit code itself, as with upstream.
    assert.equal(r.stderr, 'oops\ncommand terminated with exit code 5\n');
    assert.equal(await c.k(['exec', '-i', 'streamer', '--', 'tr', 'a-z', 'A-Z'], 'shout\n'), 'SHOUT\n');
  });

  test('port-forward fetches the page from the pod on the other node', async () => {
    const pf = spawn(...command(['port-forward', 'streamer', ':8080']), { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    pf.stdout.on('data', d => (out += d));
    const exited = new Promise(resolve => pf.once('close', resolve));
    try {
      const port = await eventually(() => /Forwarding from 127\.0\.0\.1:(\d+) -> 8080/.exec(out)?.[1], 30_000, 'port-forward to listen');
      const page = await run('nsenter', [`--net=${c.server.netns.path}`, '--', 'busybox', 'wget', '-qO-', `http://127.0.0.1:${port}/`]);
      assert.equal(page.stdout, 'served-by-streamer\n', page.stderr);
    } finally {
      pf.kill('SIGTERM');
      await exited;
    }
  });

  test('logs of a container that cannot start say why, as upstream', async () => {
    await c.k(['run', 'nopull', '--image=k8ts.local/no-such-image:1', '--restart=Never', '--overrides', JSON.stringify({ spec: { nodeName: 'agent-1' } })]);
    await eventually(async () => {
      const p = JSON.parse(await c.k(['get', 'pod', 'nopull', '-o', 'json']));
      return ['ErrImagePull', 'ImagePullBackOff'].includes(p.status?.containerStatuses?.[0]?.state?.waiting?.reason);
    }, 60_000, 'the image pull to fail');
    const r = await c.kubectl(['logs', 'nopull']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /Error from server \(BadRequest\): container "nopull" in pod "nopull" is waiting to start: (image can't be pulled|trying and failing to pull image)/);
  });

  test('nodes/proxy reaches each node\'s kubelet', async () => {
    for (const node of ['server', 'agent-1']) {
      assert.equal(await c.k(['get', '--raw', `/api/v1/nodes/${node}/proxy/healthz`]), 'ok');
    }
    const pods = JSON.parse(await c.k(['get', '--raw', '/api/v1/nodes/agent-1/proxy/pods']));
    assert.ok(pods.items.some((p: { metadata: { name: string } }) => p.metadata.name === 'streamer'));
  });
});
