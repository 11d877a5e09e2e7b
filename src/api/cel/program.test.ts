import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CostBudget } from './cost.js';
import { CelCompileError, CelCostLimitError, CelEvalError } from './errors.js';
import { compile } from './program.js';
import { toCelInput, toJson } from './values.js';

test('compile reports undeclared references as cel-go does', () => {
  assert.throws(() => compile('object.spec.replicas > limit', ['object']), (err: Error) => {
    assert.ok(err instanceof CelCompileError);
    assert.equal(err.message, "ERROR: <input>:1:24: undeclared reference to 'limit' (in container '')\n | object.spec.replicas > limit\n | .......................^");
    return true;
  });
  assert.throws(() => compile('nosuch(1)', []), /undeclared reference to 'nosuch'/);
  assert.throws(() => compile('[1].all(x, x > y)', []), /undeclared reference to 'y'/);
  assert.throws(() => compile('1 +', []), (err: Error) => err instanceof CelCompileError && /Syntax error/.test(err.message));
  // Comprehension variables, qualified library functions and type names are declared.
  compile("[1].exists(x, x == 1) && strings.quote('a') != '' && type(1) == int", []);
});

test('the metering calls cannot be written by hand', () => {
  assert.throws(() => compile('@k8ts_cost(1, 2)', []), CelCompileError);
});

test('programs are cached per expression and declarations', () => {
  assert.equal(compile('a + 1', ['a']), compile('a + 1', ['a']));
  assert.notEqual(compile('a + 1', ['a']), compile('a + 1', ['a', 'b']));
});

test('JSON objects evaluate with integers as int and other numbers as double', () => {
  const object = toCelInput({ spec: { replicas: 3, ratio: 0.5, tags: ['a'], __proto__x: 1 }, metadata: { name: 'x', labels: { __proto__: 'y' } } });
  const p = compile("object.spec.replicas + 1 == 4 && object.spec.ratio * 2.0 == 1.0 && object.metadata.name == 'x' && object.spec.tags[0] == 'a'", ['object']);
  assert.equal(p.evaluate({ object }), true);
  assert.deepEqual(toJson(compile('{"a": [1, 2.5, "s", null, true]}', []).evaluate({})), { a: [1, 2.5, 's', null, true] });
});

test('a `__proto__` key is plain data', () => {
  const labels = JSON.parse('{"__proto__": "polluted"}');
  const p = compile("labels['__proto__'] == 'polluted' && size(labels) == 1", ['labels']);
  assert.equal(p.evaluate({ labels: toCelInput(labels) }), true);
});

test('evaluation errors are typed with cel-go wording', () => {
  assert.throws(() => compile('object.missing', ['object']).evaluate({ object: toCelInput({}) }), (err: Error) => err instanceof CelEvalError && err.message === 'no such key: missing');
  assert.throws(() => compile('1 / 0', []).evaluate({}), CelEvalError);
});

test('an expression over its per-call cost limit is cancelled', () => {
  const l = toCelInput(Array.from({ length: 2000 }, (_, i) => i));
  const p = compile('l.all(x, l.all(y, x + y >= 0))', ['l']);
  assert.throws(() => p.evaluate({ l }), (err: Error) => err instanceof CelCostLimitError && err.message === 'operation cancelled: actual cost limit exceeded');
  // The same program within its limit.
  assert.equal(p.evaluate({ l: toCelInput([1, 2, 3]) }), true);
  // A lower limit applies per compile.
  assert.throws(() => compile('l.all(x, true)', ['l'], { costLimit: 50 }).evaluate({ l: toCelInput(Array.from({ length: 100 }, () => 1)) }), CelCostLimitError);
});

test('a shared budget is spent across evaluations', () => {
  const l = toCelInput(Array.from({ length: 100 }, (_, i) => i));
  const p = compile('l.all(x, x >= 0)', ['l']);
  const budget = new CostBudget(1000);
  p.evaluate({ l }, budget);
  assert.ok(budget.remaining < 1000 && budget.remaining > 0);
  const left = budget.remaining;
  assert.ok(left < 1000);
  assert.throws(() => { for (let i = 0; i < 20; i++) p.evaluate({ l }, budget); }, CelCostLimitError);
});

test('library work counts towards the cost', () => {
  const s = toCelInput('x'.repeat(100_000));
  const budget = new CostBudget();
  compile("s.indexOf('y') == -1 && s.reverse() == s", ['s']).evaluate({ s }, budget);
  assert.ok(budget.remaining <= 10_000_000 - 20_000, `indexOf and reverse of 100000 characters cost at least 20000, left ${budget.remaining}`);
});

test('objects are read lazily: depth and size of the data do not matter, only what is read', () => {
  let deep: unknown = { leaf: 1 };
  for (let i = 0; i < 50_000; i++) deep = { next: deep, [`k${i % 3}`]: [i] };
  const object = toCelInput({ deep, big: Array.from({ length: 100_000 }, (_, i) => ({ i })), small: Array.from({ length: 1000 }, (_, i) => ({ i })) });
  assert.equal(compile("object.deep.next.k0[0] == 49998 && size(object.big) == 100000 && object.big[7].i == 7 && 'next' in object.deep", ['object']).evaluate({ object }), true);
  assert.deepEqual(toJson(compile('object.small.filter(x, x.i < 3).map(x, x.i)', ['object']).evaluate({ object })), [0, 1, 2]);
  assert.equal(compile('object.deep.exists(k, k == "k1")', ['object']).evaluate({ object }), true);
});

test('expressions too deep or too long are compile errors as cel-go reports them', () => {
  assert.throws(() => compile(`${'('.repeat(5000)}1${')'.repeat(5000)}`, []), (e: Error) => e instanceof CelCompileError && e.message === 'ERROR: <input>:1:1: expression recursion limit exceeded: 250');
  assert.throws(() => compile(`1${' + 1'.repeat(1000)}`, []), /expression recursion limit exceeded: 250/);
  assert.throws(() => compile(`'${'x'.repeat(100_000)}'`, []), /expression code point size exceeds limit: size: 100002, limit 100000/);
});
