import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { PassThrough } from 'node:stream';
import { test } from 'node:test';
import { RequestEntityTooLargeError } from '../../api/errors.js';
import { readBody } from './body.js';

function request(): PassThrough & IncomingMessage {
  return Object.assign(new PassThrough(), { headers: {} }) as unknown as PassThrough & IncomingMessage;
}

test('readBody: the whole body, the size limit without a declared length, and an aborted body', async () => {
  const ok = request();
  const body = readBody(ok);
  ok.write('{"a":');
  ok.end('1}');
  assert.equal((await body).toString(), '{"a":1}');

  const big = request();
  const tooLarge = readBody(big, 4);
  big.end('12345');
  await assert.rejects(tooLarge, RequestEntityTooLargeError);

  const aborted = request();
  const cut = readBody(aborted);
  aborted.write('{"a"');
  aborted.destroy();
  await assert.rejects(cut);
});
