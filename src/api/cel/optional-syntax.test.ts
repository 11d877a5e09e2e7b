import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CelCompileError } from './errors.js';
import { findOptionalSyntax } from './optional-syntax.js';
import { compile } from './program.js';

test('optional syntax is found where cel-go reports it; strings, comments and ternaries are not it', () => {
  assert.deepEqual(findOptionalSyntax('self.?foo.orValue(1) == 1'), { offset: 4, token: '.?' });
  assert.deepEqual(findOptionalSyntax('self.m[?"k"].hasValue()'), { offset: 6, token: '[?' });
  assert.deepEqual(findOptionalSyntax('self.m [ ?"k"].hasValue()'), { offset: 7, token: '[?' });
  assert.deepEqual(findOptionalSyntax('{?"a": optional.of(1)}.size() == 1'), { offset: 1, token: '?' });
  assert.deepEqual(findOptionalSyntax('{"b": 2, ?"a": self.?x}.size() == 1'), { offset: 9, token: '?' });
  assert.deepEqual(findOptionalSyntax('[?self.a].size() == 0'), { offset: 1, token: '?' });
  assert.equal(findOptionalSyntax('self.a ? 1 : 2'), undefined);
  assert.equal(findOptionalSyntax('{"k": self.a ? 1 : 2}.size() == 1'), undefined);
  assert.equal(findOptionalSyntax('"x.?y" == self.s && \'[?\' != self.s && """{?""" == self.t'), undefined);
  assert.equal(findOptionalSyntax('r"\\" == self.s // .?b'), undefined);
});

test('an expression with optional syntax fails to compile with cel-go\'s message for it', () => {
  const message = (expression: string) => {
    try {
      compile(expression, ['self']);
    } catch (err) {
      assert.ok(err instanceof CelCompileError);
      return err.message;
    }
    return 'compiled';
  };
  assert.equal(message('self.?foo.orValue(1) == 1'), "ERROR: <input>:1:5: unsupported syntax '.?'\n | self.?foo.orValue(1) == 1\n | ....^");
  assert.equal(message('self.a > 0 &&\n  self[?"b"].hasValue()'), "ERROR: <input>:2:7: unsupported syntax '[?'\n |   self[?\"b\"].hasValue()\n | ......^");
  // Expressions that fail for other reasons keep the parser's own message.
  assert.match(message('self.a >'), /Syntax error/);
});
