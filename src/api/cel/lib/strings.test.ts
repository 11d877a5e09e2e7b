import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compile } from '../program.js';
import { toJson } from '../values.js';

const run = (expr: string) => toJson(compile(expr, []).evaluate({}));

// cel-go's strings extension and upstream's regex library, with their documented results.
const cases: [string, unknown][] = [
  ["'hello'.charAt(4)", 'o'],
  ["'hello'.charAt(5)", ''],
  ["'hello mellow'.indexOf('')", 0],
  ["'hello mellow'.indexOf('ello')", 1],
  ["'hello mellow'.indexOf('jello')", -1],
  ["'hello mellow'.indexOf('', 2)", 2],
  ["'hello mellow'.lastIndexOf('ello')", 7],
  ["'hello mellow'.lastIndexOf('ello', 6)", 1],
  ["'TacoCat'.lowerAscii()", 'tacocat'],
  ["'TacoCÆt Xii'.upperAscii()", 'TACOCÆT XII'],
  ["'hello hello'.replace('he', 'we')", 'wello wello'],
  ["'hello hello'.replace('he', 'we', 1)", 'wello hello'],
  ["'hello hello hello'.split(' ')", ['hello', 'hello', 'hello']],
  ["'hello hello hello'.split(' ', 2)", ['hello', 'hello hello']],
  ["'tacocat'.substring(4)", 'cat'],
  ["'tacocat'.substring(0, 4)", 'taco'],
  ["'  \\ttrim\\n    '.trim()", 'trim'],
  ["['hello', 'mellow'].join()", 'hellomellow'],
  ["['hello', 'mellow'].join(' ')", 'hello mellow'],
  ['strings.quote(\'single-quote with "double quote"\')', '"single-quote with \\"double quote\\""'],
  ["'gums'.reverse()", 'smug'],
  ["'abc 123'.find('[0-9]+')", '123'],
  ["'abc 123'.find('xyz')", ''],
  ["'123 abc 456'.findAll('[0-9]+')", ['123', '456']],
  ["'123 abc 456'.findAll('[0-9]+', 1)", ['123']],
  ["'123 abc 456'.findAll('xyz')", []],
  ["'ABC'.find('(?i)b')", 'B'],
  ["'abc'.matches('^a.c$')", true],
];

test('string and regex functions give upstream results', () => {
  for (const [expr, want] of cases) assert.deepEqual(run(expr), want, expr);
});

test('a pattern that is not RE2 is an error', () => {
  assert.throws(() => run("'aa'.find('(a)\\\\1')"), /.+/);
});

test('split with a limit is Go SplitN', () => {
  assert.deepEqual(run("'a b c'.split(' ', 0)"), []);
  assert.deepEqual(run("'a b c'.split(' ', 1)"), ['a b c']);
  assert.deepEqual(run("'a b c'.split(' ', -1)"), ['a', 'b', 'c']);
  assert.deepEqual(run("'abc'.split('', 2)"), ['a', 'bc']);
});

test('a pattern that backtracks catastrophically on input it does not match is decided by RE2', () => {
  const s = `${'a'.repeat(64)}!`;
  assert.equal(toJson(compile("s.find('(a+)+$')", ['s']).evaluate({ s })), '');
  assert.deepEqual(toJson(compile("s.findAll('(a|aa)+b')", ['s']).evaluate({ s })), []);
});
