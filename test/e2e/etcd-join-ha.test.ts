// Three servers on loopback, the second and third joined to the first (k8ts server --server): the
// server whose etcd member leads is killed with its member (SIGKILL, as if its machine died); writes
// through a surviving server resume (how soon is `npm run bench -- failover`'s to measure) and every
// acknowledged write is kept; started again over its data dir, the killed server rejoins (no second
// join) and serves everything.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { embeddedEtcdPaths, stopLeftoverMember } from '../../src/storage/etcd/embedded-paths.js';
import { freePort } from '../../src/storage/etcd/member.js';
import { livePid } from '../../src/util/pid-file.js';
import { runCommand } from '../../src/util/command.js';
import { eventually, K8TS_BIN, run, TestCluster } from './harness.js';

const dir = mkdtempSync(join(tmpdir(), 'k8ts-etcd-join-ha-'));
const names = ['s0', 's1', 's2'];
const running = new Map<string, TestCluster>();
after(async () => {
  for (const c of running.values()) await c.stop('SIGTERM', true).catch(() => undefined);
  for (const name of names) await stopLeftoverMember(join(dir, name));
  rmSync(dir, { recursive: true, force: true });
});

test('three joined servers: the etcd leader\'s server dies, writes resume, nothing acknowledged is lost, it rejoins', { timeout: 170_000 }, async () => {
  const clientPorts: number[] = [];
  const args: string[][] = [];
  for (const name of names) {
    const clientPort = await freePort();
    clientPorts.push(clientPort);
    args.push(['--cluster-init', '--etcd-client-port', String(clientPort), '--etcd-peer-port', String(await freePort())]);
    const joining = name === 's0' ? [] : ['--server', running.get('s0')!.url, '--token-file', join(dir, 's0', 'token')];
    args[args.length - 1].push(...joining);
    running.set(name, await TestCluster.start({ dataDir: join(dir, name), extraArgs: args[args.length - 1] }));
  }
  const listed = await run(process.execPath, [K8TS_BIN, 'etcd-member', 'list', '--data-dir', join(dir, 's0')]);
  assert.deepEqual(listed.stdout.trim().split('\n').slice(1).map(r => r.split(/ +/)[5]), ['false', 'false', 'false'], listed.stdout);

  const tls = embeddedEtcdPaths(join(dir, 's0'));
  const endpoints = clientPorts.map(p => `https://127.0.0.1:${p}`);
  const status = await runCommand('etcdctl', ['--endpoints', endpoints.join(','), '--cacert', tls.caFile, '--cert', tls.clientCert, '--key', tls.clientKey, 'endpoint', 'status', '-w', 'table']);
  const leaderRow = status.stdout.split('\n').find(l => l.split('|')[5]?.trim() === 'true');
  const leader = endpoints.indexOf(leaderRow?.split('|')[1]?.trim() ?? '');
  assert.ok(leader >= 0, status.stdout);
  const killed = names[leader];
  const survivor = running.get(names[(leader + 1) % 3])!;

  // Writes through the survivor, one after another, before and across the kill.
  const acknowledged: string[] = [];
  let writing = true;
  let leaderGone = false;
  /** A write begun after the kill and acknowledged: the survivors elected a leader among them. */
  let writtenAfterKill = false;
  const writer = (async () => {
    for (let i = 0; writing; i++) {
      const afterKill = leaderGone;
      const r = await survivor.kubectl(['create', 'configmap', `w-${i}`, '--request-timeout=5s']);
      if (r.code === 0 || /AlreadyExists/.test(r.stderr)) {
        acknowledged.push(`w-${i}`);
        if (afterKill) writtenAfterKill = true;
      } else {
        i--;
        await new Promise(res => setTimeout(res, 200));
      }
    }
  })();
  await eventually(async () => acknowledged.length >= 3, 20_000, 'writes before the kill');
  const memberPid = livePid(embeddedEtcdPaths(join(dir, killed)).pidFile);
  await running.get(killed)!.stop('SIGKILL', true);
  if (memberPid !== undefined) process.kill(memberPid, 'SIGKILL');
  running.delete(killed);
  leaderGone = true;
  // A generous deadline: each try is a kubectl, seconds on a loaded machine.
  await eventually(() => writtenAfterKill, 60_000, 'a write begun after the kill to be acknowledged');
  writing = false;
  await writer;

  const stored = new Set((await survivor.k(['get', 'configmaps', '-o', 'jsonpath={.items[*].metadata.name}'])).split(' '));
  assert.deepEqual(acknowledged.filter(n => !stored.has(n)), [], 'every acknowledged write is kept');

  // Started again over its data dir (same ports: its peer URL is its identity), it rejoins.
  const back = await TestCluster.start({ dataDir: join(dir, killed), extraArgs: args[leader] });
  running.set(killed, back);
  const seen = new Set((await back.k(['get', 'configmaps', '-o', 'jsonpath={.items[*].metadata.name}'])).split(' '));
  assert.deepEqual(acknowledged.filter(n => !seen.has(n)), [], 'the rejoined server serves every write');
  await back.k(['create', 'configmap', 'after-rejoin']);
});
