import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { PassThrough } from 'node:stream';
import { test } from 'node:test';
import { RequestEntityTooLargeError, StatusError } from '../../api/errors.js';
import { BodyDecodeError, decodeObject, readBody } from './body.js';
import { jsonDepthError, MAX_NESTING_DEPTH } from './nesting.js';

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

const badRequest = (pattern: RegExp) => (err: unknown) => err instanceof StatusError && err.code === 400 && pattern.test(err.message);

test('decodeObject: nesting past the limit is a 400 with upstream wording, in JSON and YAML', () => {
  const deep = (d: number) => '['.repeat(d) + ']'.repeat(d);
  const json = (d: number) => Buffer.from(`{"apiVersion":"v1","kind":"ConfigMap","x":${deep(d)}}`);
  assert.equal(decodeObject(json(MAX_NESTING_DEPTH - 1), 'application/json').kind, 'ConfigMap');
  for (const d of [MAX_NESTING_DEPTH, 100_000]) {
    assert.throws(() => decodeObject(json(d), 'application/json'), (err: unknown) =>
      err instanceof BodyDecodeError && err.code === 400 && err.detail === "couldn't get version/kind; json parse error: invalid character '[' exceeded max depth");
  }
  assert.throws(() => decodeObject(Buffer.from(`x: ${deep(MAX_NESTING_DEPTH)}\n`), 'application/yaml'), badRequest(/^error converting YAML to JSON: yaml: exceeded max depth of 500$/));
  assert.throws(() => decodeObject(Buffer.from(`x: ${deep(20_000)}\n`), 'application/yaml'), badRequest(/^error converting YAML to JSON: yaml: exceeded max depth of 500$/));
  // Brackets inside strings are text, escaped quotes included.
  assert.equal(jsonDepthError(`{"a":"${'['.repeat(1000)}\\"${'{'.repeat(1000)}"}`), undefined);
});

test('decodeObject: a YAML alias bomb is a 400; __proto__ keys stay data', () => {
  const bomb = 'a: &a ["x","x","x","x","x","x","x","x","x"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: [*e,*e,*e,*e,*e,*e,*e,*e,*e]\n';
  assert.throws(() => decodeObject(Buffer.from(bomb), 'application/yaml'), badRequest(/^error converting YAML to JSON: /));
  for (const [body, type] of [['{"__proto__":{"polluted":1},"data":{"__proto__":"p"}}', 'application/json'], ['__proto__: {polluted: 1}\ndata: {__proto__: p}\n', 'application/yaml']]) {
    const obj = decodeObject(Buffer.from(body), type);
    assert.equal(Object.getPrototypeOf(obj), Object.prototype);
    assert.equal(obj.polluted, undefined);
    assert.equal(Object.hasOwn(obj.data, '__proto__'), true);
  }
  assert.equal((({}) as Record<string, unknown>).polluted, undefined);
});

test('readBody: over the limit is upstream\'s 413 message', async () => {
  const big = request();
  const tooLarge = readBody(big, 4);
  big.end('12345');
  await assert.rejects(tooLarge, (err: unknown) => err instanceof StatusError && err.code === 413 && err.message === 'Request entity too large: limit is 4');
});
