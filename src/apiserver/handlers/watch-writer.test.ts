import assert from 'node:assert/strict';
import { createServer, get, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { WatchWriter } from './watch-writer.js';

const turn = () => new Promise(resolve => setImmediate(resolve));
const line = (s: string) => Buffer.from(`${s}\n`);

/**
 * A chunked response of a real loopback server, with the body a real client reads, and every
 * res.write the writer makes (each is one chunk, one socket write).
 */
async function response(): Promise<{ res: ServerResponse; writes: string[]; body: Promise<string>; close(): void }> {
  let res!: ServerResponse;
  const server = createServer((_req, r) => {
    res = r;
    r.writeHead(200, { 'Content-Type': 'application/json' });
    r.flushHeaders();
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const body = new Promise<string>((resolve, reject) => {
    get({ host: '127.0.0.1', port: (server.address() as AddressInfo).port, path: '/' }, incoming => {
      let text = '';
      incoming.setEncoding('utf8').on('data', (d: string) => (text += d)).on('end', () => resolve(text)).on('error', reject);
    }).on('error', reject);
  });
  while (!res) await turn();
  const writes: string[] = [];
  const write = res.write.bind(res) as (chunk: Buffer) => boolean;
  res.write = ((chunk: Buffer) => {
    writes.push(chunk.toString());
    return write(chunk);
  }) as ServerResponse['write'];
  return { res, writes, body, close: () => server.close() };
}

test('a lone delivery is written at once, as one write', async () => {
  const r = await response();
  const w = new WatchWriter(r.res, 1 << 20, () => assert.fail('not too slow'));
  w.send([line('a'), line('b')]);
  assert.deepEqual(r.writes, ['a\nb\n']);
  await turn();
  assert.deepEqual(r.writes, ['a\nb\n']);
  w.end();
  assert.equal(await r.body, 'a\nb\n');
  r.close();
});

test('later deliveries in the same turn are held and written together at its end; the next turn writes at once again', async () => {
  const r = await response();
  const w = new WatchWriter(r.res, 1 << 20, () => assert.fail('not too slow'));
  const other = await response();
  const v = new WatchWriter(other.res, 1 << 20, () => assert.fail('not too slow'));
  w.send([line('1')]);
  v.send([line('x')]);
  w.send([line('2')]);
  w.send([line('3'), line('4')]);
  assert.deepEqual(r.writes, ['1\n']);
  assert.deepEqual(other.writes, ['x\n']);
  await turn();
  assert.deepEqual(r.writes, ['1\n', '2\n3\n4\n']);
  assert.deepEqual(other.writes, ['x\n']);
  w.send([line('5')]);
  assert.deepEqual(r.writes, ['1\n', '2\n3\n4\n', '5\n']);
  w.end();
  v.end();
  assert.equal(await r.body, '1\n2\n3\n4\n5\n');
  assert.equal(await other.body, 'x\n');
  r.close();
  other.close();
});

test('end writes what the turn still holds, after what came before, and nothing is sent after it', async () => {
  const r = await response();
  const w = new WatchWriter(r.res, 1 << 20, () => assert.fail('not too slow'));
  w.send([line('event')]);
  w.send([line('error')]);
  w.end();
  w.send([line('late')]);
  await turn();
  assert.deepEqual(r.writes, ['event\n', 'error\n']);
  assert.equal(await r.body, 'event\nerror\n');
  r.close();
});

test('a client that leaves more than the limit unread is too slow: nothing more is written to it', async () => {
  const r = await response();
  let tooSlow = 0;
  const w = new WatchWriter(r.res, 100, () => tooSlow++);
  // Output stays in the socket's buffer, as with a client that does not read.
  r.res.socket!.cork();
  w.send([Buffer.alloc(200, 'a')]);
  assert.equal(tooSlow, 0);
  assert.ok(r.res.writableLength > 100);
  await turn();
  w.send([line('b')]);
  assert.equal(tooSlow, 1);
  assert.equal(r.writes.length, 1);
  r.res.socket!.uncork();
  w.end();
  assert.equal((await r.body).length, 200);
  r.close();
});
