import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCommand } from '../../util/command.js';
import { EtcdClient } from './client.js';
import { EtcdMember, freePort } from './member.js';
import { addLearner, promoteWhenInSync, removeMemberByName } from './membership.js';

const dir = mkdtempSync(join(tmpdir(), 'k8ts-etcd-members-'));
const started: EtcdMember[] = [];

after(async () => {
  await Promise.all(started.map(m => m.stop()));
  rmSync(dir, { recursive: true, force: true });
});

async function urls() {
  const [client, peer] = [await freePort(), await freePort()];
  return { clientUrls: [`http://127.0.0.1:${client}`], peerUrls: [`http://127.0.0.1:${peer}`] };
}

/** etcdctl's table prints member IDs in hex: the exact 64-bit values, independent of our decoding. */
async function etcdctlMemberIds(endpoint: string): Promise<string[]> {
  const out = await runCommand('etcdctl', ['--endpoints', endpoint, 'member', 'list']);
  return out.stdout.trim().split('\n').map(line => line.split(',')[0].trim()).sort();
}

test('etcd membership: a learner is added, started as existing, promoted once in sync, and removed by name', async () => {
  const first = await EtcdMember.start({ name: 'first', dataDir: join(dir, 'first'), logFile: join(dir, 'first.log'), ...(await urls()) });
  started.push(first);
  const client = new EtcdClient({ endpoints: first.options.clientUrls });
  try {
    // Enough data that the learner has something to catch up on.
    for (let i = 0; i < 200; i++) await client.put({ key: Buffer.from(`/k/${i}`), value: Buffer.alloc(2048, i) });
    const second = await urls();
    const learner = await addLearner(client, 'second', second.peerUrls[0]);
    assert.deepEqual(learner.initialCluster.split(',').sort(), [`first=${first.options.peerUrls[0]}`, `second=${second.peerUrls[0]}`]);
    // A retried join (its member never started) gets the same member back, not a second one.
    assert.deepEqual(await addLearner(client, 'second', second.peerUrls[0]), learner);

    const joined = await EtcdMember.start({
      name: 'second', dataDir: join(dir, 'second'), logFile: join(dir, 'second.log'), ...second,
      initialCluster: learner.initialCluster, initialClusterState: 'existing',
    });
    started.push(joined);
    await promoteWhenInSync(client, learner.id);
    // Promoting again (an earlier answer lost) is not an error.
    await promoteWhenInSync(client, learner.id);

    const members = await client.memberList();
    assert.deepEqual(members.map(m => [m.name, m.isLearner]).sort(), [['first', false], ['second', false]]);
    // IDs read exactly: the same 64-bit values etcdctl prints.
    assert.deepEqual(members.map(m => BigInt(m.ID).toString(16)).sort(), await etcdctlMemberIds(first.options.clientUrls[0]));
    assert.ok(members.some(m => BigInt(m.ID) > BigInt(Number.MAX_SAFE_INTEGER)), 'random 64-bit IDs are almost always above 2^53');

    // The promoted member serves the data written before it joined.
    const fromSecond = new EtcdClient({ endpoints: joined.options.clientUrls });
    try {
      assert.equal((await fromSecond.range({ key: Buffer.from('/k/'), rangeEnd: Buffer.from('/k0'), countOnly: true })).count, 200);
    } finally {
      fromSecond.close();
    }

    assert.equal(await removeMemberByName(client, 'second'), true);
    assert.equal(await removeMemberByName(client, 'second'), false);
    assert.deepEqual((await client.memberList()).map(m => m.name), ['first']);
  } finally {
    client.close();
  }
});
