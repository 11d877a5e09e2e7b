import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compile } from '../program.js';
import { toJson } from '../values.js';

const run = (expr: string) => toJson(compile(expr, []).evaluate({}));

test('format.<name>().validate is none for valid input and the errors otherwise', () => {
  assert.equal(run("format.dns1123Label().validate('my-label-name').hasValue()"), false);
  assert.deepEqual(run("format.dns1123Label().validate('MY-LABEL').value()"), [
    "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')",
  ]);
  assert.equal(run("format.dns1123Subdomain().validate('example.com').hasValue()"), false);
  assert.equal(run("format.dns1035Label().validate('1abc').hasValue()"), true);
  assert.equal(run("format.dns1123LabelPrefix().validate('my-name-').hasValue()"), false);
  assert.equal(run("format.qualifiedName().validate('example.com/MyName').hasValue()"), false);
  assert.equal(run("format.labelValue().validate('').hasValue()"), false);
  assert.equal(run("format.uuid().validate('123e4567-e89b-12d3-a456-426614174000').hasValue()"), false);
  assert.equal(run("format.uuid().validate('not-a-uuid').hasValue()"), true);
  assert.equal(run("format.date().validate('2024-02-30').hasValue()"), true);
  assert.equal(run("format.datetime().validate('2024-02-01T10:00:00Z').hasValue()"), false);
  assert.equal(run("format.byte().validate('aGVsbG8=').hasValue()"), false);
  assert.equal(run("format.uri().validate('https://example.com/x').hasValue()"), false);
});

test('format.named finds a format by name, or none', () => {
  assert.equal(run("format.named('dns1123Label').hasValue()"), true);
  assert.equal(run("format.named('unknown').hasValue()"), false);
  assert.equal(run("format.named('labelValue').value().validate('a b').hasValue()"), true);
  assert.equal(run("format.named('dns1123Label').value() == format.dns1123Label()"), true);
});

test('optional values', () => {
  assert.equal(run('optional.of(1).value()'), 1);
  assert.equal(run('optional.none().orValue(2)'), 2);
  assert.equal(run("optional.ofNonZeroValue('').hasValue()"), false);
  assert.equal(run('optional.none().or(optional.of(3)).value()'), 3);
  assert.equal(run('optional.of([1]) == optional.of([1])'), true);
  assert.throws(() => run('optional.none().value()'), /optional.none\(\) dereference/);
});
