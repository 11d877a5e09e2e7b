import assert from 'node:assert/strict';
import { test } from 'node:test';
import { schemaDeclType, type TypedSchema } from './decl-type.js';
import { staticCheck } from './static-check.js';

const self = (s: TypedSchema) => schemaDeclType(s, false)!;
const check = (expr: string, s: TypedSchema) => staticCheck(expr, { self: self(s), oldSelf: self(s) });

const obj: TypedSchema = {
  type: 'object',
  properties: {
    count: { type: 'integer' },
    ratio: { type: 'number' },
    name: { type: 'string', maxLength: 10 },
    since: { type: 'string', format: 'date-time' },
    ttl: { type: 'string', format: 'duration' },
    tags: { type: 'array', items: { type: 'string' } },
    limits: { type: 'object', additionalProperties: { type: 'integer' } },
  },
};

test('operators resolve against the declared types, with cel-go messages', () => {
  assert.equal(check('self.count + 1 > 2 && self.name.size() < 5', obj).errors, '');
  assert.equal(check("self.count + 'x' == 1", obj).errors, "ERROR: <input>:1:12: found no matching overload for '_+_' applied to '(int, string)'\n | self.count + 'x' == 1\n | ...........^");
  // `type: number` is a double: it compares with ints (cross-type comparisons) but == needs a double.
  assert.equal(check('self.ratio > 1 && self.ratio == 1.5', obj).errors, '');
  assert.match(check('self.ratio == 1', obj).errors, /found no matching overload for '_==_' applied to '\(double, int\)'/);
  // date-time and duration formats are timestamps and durations.
  assert.equal(check("self.since + self.ttl > timestamp('2020-01-01T00:00:00Z') && self.since.getFullYear() > 2000", obj).errors, '');
  assert.match(check("self.since == 'x'", obj).errors, /'_==_' applied to '\(google.protobuf.Timestamp, string\)'/);
  assert.match(check("self.name.contains(1)", obj).errors, /found no matching overload for 'contains' applied to 'string.\(int\)'/);
  assert.match(check('self.nope == 1', obj).errors, /undefined field 'nope'/);
  assert.equal(check("self.limits.all(k, self.limits[k] > 0) && 'a' in self.tags && self.tags.all(t, t.startsWith('x'))", obj).errors, '');
  assert.match(check("self.tags.exists(t, t > 1)", obj).errors, /'_>_' applied to '\(string, int\)'/);
  assert.equal(check("matches(self.name, '^a') && self.name.matches('b$')", obj).errors, '');
  assert.match(check('self.name[0] == "a"', obj).errors, /found no matching overload for '_\[_\]' applied to '\(string, int\)'/);
  assert.equal(check('self.count', obj).type.name, 'int');
  assert.equal(check('self.tags.map(t, t.size())', obj).type.name, 'list');
});

test('cost estimates use maxItems and maxLength, or what fits into a request', () => {
  const list = (extra: TypedSchema, item: TypedSchema = { type: 'string' }) => ({ type: 'array', items: item, ...extra });
  // 2 + n × (all's condition 2 + step 1 + contains (1 + ceil(3145726 × 0.1) × ceil(1 × 0.1)))
  assert.deepEqual(check("self.all(x, x.contains('a'))", list({ maxItems: 40 })).cost, { min: 2, max: 2 + 40 * 314577 });
  // Bounded strings cost by their maxLength in bytes (4 per character).
  assert.equal(check("self.all(x, x.contains('a'))", list({ maxItems: 10 }, { type: 'string', maxLength: 10 })).cost.max, 2 + 10 * (4 + 4));
  // Unbounded lists: as many items as fit into 3 MiB (("[" + "]") and one comma per item of at least 2 bytes).
  assert.equal(check('self.all(x, true)', list({})).cost.max, 2 + Math.floor((3 * 1024 * 1024 - 2) / 3) * 3);
  // int-or-string tested by type: names such as `string` are sized as `self` is (upstream's path quirk), so this is cheap.
  assert.ok(check("type(self) == string ? self == '100%' : self == 1000", { 'x-kubernetes-int-or-string': true, maxLength: 4 }).cost.max < 20);
  // A nested scan multiplies.
  assert.ok(check('self.all(x, self.all(y, x == y))', list({})).cost.max > 1e11);
  // Short-circuit: the minimum is the left side's.
  assert.deepEqual(check('self.size() > 0 || self.all(x, true)', list({ maxItems: 5 })).cost, { min: 3, max: 3 + 2 + 5 * 3 });
});

test('Kubernetes library functions cost as upstream estimates them', () => {
  // split: 0.2 per byte of the target (maxLength 10 → 40 bytes), then size() and >.
  assert.equal(check("self.split(',').size() > 0", { type: 'string', maxLength: 10 }).cost.max, 8 + 1 + 1 + 1);
  // join: items × item bytes plus separators (3 × 20 + 2) at 0.1 per byte; != against '' costs nothing more.
  assert.equal(check("self.join(',') != ''", { type: 'array', maxItems: 3, items: { type: 'string', maxLength: 5 } }).cost.max, 7 + 1);
  // isSorted over strings: per item 1 plus its bytes at 0.1.
  assert.equal(check('self.isSorted()', { type: 'array', maxItems: 10, items: { type: 'string', maxLength: 5 } }).cost.max, 10 * 3 + 1);
  // find: (bytes + 1) at 0.1 times the pattern at 0.25 (maxLength 4 → 16 bytes: ceil(1.7) × ceil(0.5)).
  assert.equal(check("self.find('a') != ''", { type: 'string', maxLength: 4 }).cost.max, 2 * 1 + 1);
});

