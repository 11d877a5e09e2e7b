import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compile } from '../program.js';
import { toJson } from '../values.js';

const run = (expr: string) => toJson(compile(expr, []).evaluate({}));

// Upstream's documented results (library/urls.go).
const cases: [string, unknown][] = [
  ["isURL('https://user:pass@example.com:80/path?query=val#fragment')", true],
  ["isURL('/absolute-path')", true],
  ["isURL('https://a:b:c/')", false],
  ["isURL('../relative-path')", false],
  ["url('https://example.com:80/').getHost()", 'example.com:80'],
  ["url('https://example.com/').getHost()", 'example.com'],
  ["url('https://[::1]:80/').getHost()", '[::1]:80'],
  ["url('https://[::1]/').getHost()", '[::1]'],
  ["url('/path').getHost()", ''],
  ["url('https://example.com:80/').getHostname()", 'example.com'],
  ["url('https://127.0.0.1:80/').getHostname()", '127.0.0.1'],
  ["url('https://[::1]:80/').getHostname()", '::1'],
  ["url('/path').getHostname()", ''],
  ["url('https://example.com:80/').getPort()", '80'],
  ["url('https://example.com/').getPort()", ''],
  ["url('/path').getPort()", ''],
  ["url('https://example.com/path').getEscapedPath()", '/path'],
  ["url('https://example.com/path with spaces/').getEscapedPath()", '/path%20with%20spaces/'],
  ["url('https://example.com').getEscapedPath()", ''],
  ["url('https://example.com/path').getScheme()", 'https'],
  ["url('/path').getScheme()", ''],
  ["url('https://example.com/?k=a&k=b&kk=c').getQuery()", { k: ['a', 'b'], kk: ['c'] }],
  ["url('https://example.com/?k=%20').getQuery()", { k: [' '] }],
  ["url('https://example.com/?').getQuery()", {}],
  ["url('https://example.com/').getQuery()", {}],
  ["url('https://example.com/a') == url('https://example.com/a')", true],
];

test('url functions give upstream results', () => {
  for (const [expr, want] of cases) assert.deepEqual(run(expr), want, expr);
});

test('url() of something not a request URI is an error', () => {
  assert.throws(() => run("url('../relative-path')"), /URL parse error during conversion from string/);
  assert.throws(() => run("url('https://a:b:c/')"), /invalid port/);
});
