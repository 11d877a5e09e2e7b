// The CLI fails with one clear line and a non-zero exit for bad flags, a busy port and an
// unwritable data dir.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { K8TS_BIN, run } from './harness.js';

const k8ts = (args: string[]) => run(process.execPath, [K8TS_BIN, ...args]);

test('unknown flag and bad values: one line, exit 2', async () => {
  for (const [args, pattern] of [
    [['server', '--bogus'], /^k8ts: unknown flag: --bogus\n$/],
    [['server', '--https-listen-port', 'abc'], /^k8ts: invalid value "abc" for --https-listen-port: must be an integer\n$/],
    [['server', '--service-cidr', '10.0.0.0/99'], /^k8ts: invalid value for --service-cidr: invalid IPv4 CIDR "10.0.0.0\/99"\n$/],
    [['agent', '--token', 'K10x'], /^k8ts: --server is required\n$/],
    [['agent', '--server', 'https://127.0.0.1:1'], /^k8ts: one of --token and --token-file is required\n$/],
    [['agent', '--server', 'http://127.0.0.1:1', '--token', 'K10x'], /^k8ts: invalid value "http:\/\/127.0.0.1:1" for --server: must be https:\/\/HOST:PORT\n$/],
    [['agent', '--server', 'https://127.0.0.1:1', '--token', 'K10x', '--registry-mirror', 'k8ts.local'], /^k8ts: invalid value "k8ts.local" for --registry-mirror/],
    [['agent', '--server', 'https://127.0.0.1:1', '--token', 'K10x', '--ingress-http-port', '0'], /^k8ts: invalid value "0" for --ingress-http-port: must be 1-65535\n$/],
    [['server', '--ingress-http-port', '8443', '--ingress-https-port', '8443'], /^k8ts: --ingress-http-port and --ingress-https-port must differ\n$/],
    [['server', '--pod-network-backend', 'flannel'], /^k8ts: invalid value "flannel" for --pod-network-backend: must be one of host-gw, vxlan\n$/],
    [['agent', '--server', 'https://127.0.0.1:1', '--token', 'K10x', '--pod-network-backend', 'udp'], /^k8ts: invalid value "udp" for --pod-network-backend/],
    [['agent', '--server', 'https://127.0.0.1:1', '--token', 'K10x'], /^k8ts: invalid join token: must be a bootstrap token <6 characters \[a-z0-9\]>\.<16 characters \[a-z0-9\]> \(the server's <data-dir>\/token\)\n$/],
    [['killall', 'now'], /^k8ts: unexpected argument: now\n$/],
    [['nonsense'], /^k8ts: unknown command "nonsense"/],
  ] as const) {
    const r = await k8ts([...args]);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, pattern);
  }
});

test('busy port and unwritable data dir: one line, exit 1', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'k8ts-cli-'));
  const blocker = createServer();
  await new Promise<void>(resolve => blocker.listen(0, '127.0.0.1', resolve));
  const port = (blocker.address() as { port: number }).port;
  try {
    const busy = await k8ts(['server', '--data-dir', join(dir, 'a'), '--bind-address', '127.0.0.1', '--https-listen-port', String(port)]);
    assert.equal(busy.code, 1);
    assert.equal(busy.stderr.trim().split('\n').pop(), `k8ts: port ${port} on 127.0.0.1 is already in use`);
    // A regular file where the data dir should be cannot be written even by root.
    const file = join(dir, 'file');
    writeFileSync(file, '');
    chmodSync(file, 0o444);
    const bad = await k8ts(['server', '--data-dir', join(file, 'sub'), '--bind-address', '127.0.0.1', '--https-listen-port', '0']);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /^k8ts: data dir .*file\/sub is not writable: ENOTDIR\n$/);
  } finally {
    blocker.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
