import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compile } from '../program.js';
import { toJson } from '../values.js';

const run = (expr: string) => toJson(compile(expr, []).evaluate({}));

// Upstream's documented results (library/quantity.go).
const cases: [string, unknown][] = [
  ["isQuantity('1.3G')", true],
  ["isQuantity('1.3Gi')", true],
  ["isQuantity('1,3G')", false],
  ["isQuantity('10000k')", true],
  ["isQuantity('200K')", false],
  ["isQuantity('Three')", false],
  ["isQuantity('Mi')", false],
  ["quantity('50k').sign()", 1],
  ["quantity('-50k').sign()", -1],
  ["quantity('0').sign()", 0],
  ["quantity('50k').isInteger()", true],
  ["quantity('1.2').isInteger()", false],
  ["quantity('9999999999999999999999999999999999999G').isInteger()", false],
  ["quantity('50k').asInteger()", 50000],
  ["quantity('50.703k').asApproximateFloat()", 50703],
  ["quantity('200M').compareTo(quantity('0.2G'))", 0],
  ["quantity('50M').compareTo(quantity('50Mi'))", -1],
  ["quantity('50Mi').compareTo(quantity('50M'))", 1],
  ["quantity('50k').add(quantity('20')) == quantity('50.02k')", true],
  ["quantity('50k').add(20) == quantity('50020')", true],
  ["quantity('50k').sub(quantity('20')) == quantity('49.98k')", true],
  ["quantity('50k').sub(-20) == quantity('50020')", true],
  ["quantity('200M').isGreaterThan(quantity('0.2G'))", false],
  ["quantity('50M').isGreaterThan(quantity('50Mi'))", false],
  ["quantity('50Mi').isGreaterThan(quantity('50M'))", true],
  ["quantity('200M').isLessThan(quantity('0.2G'))", false],
  ["quantity('50M').isLessThan(quantity('50Mi'))", true],
  ["quantity('50Mi').isLessThan(quantity('50M'))", false],
  ["quantity('200M') == quantity('0.2G')", true],
  ["string(quantity('1024Mi'))", '1Gi'],
];

test('quantity functions give upstream results', () => {
  for (const [expr, want] of cases) assert.deepEqual(run(expr), want, expr);
});

test('quantity errors as upstream', () => {
  assert.throws(() => run("quantity('9999999999999999999999999999999999999G').asInteger()"), /cannot convert value to integer/);
  assert.throws(() => run("quantity('50m').asInteger()"), /cannot convert value to integer/);
  assert.throws(() => run("quantity('Three')"), /invalid quantity/);
});
