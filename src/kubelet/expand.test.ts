import { test } from 'node:test';
import assert from 'node:assert/strict';
import { expand, envLookup } from './expand.js';

const vars = envLookup([{ name: 'A', value: 'x' }, { name: 'B', value: 'y' }, { name: 'A', value: 'z' }]);

test('defined references are replaced; the last definition wins', () => {
  assert.equal(expand('$(A)-$(B)', vars), 'z-y');
});

test('undefined references, escapes and unterminated references follow upstream', () => {
  assert.equal(expand('$(NOPE)', vars), '$(NOPE)');
  assert.equal(expand('$$(A)', vars), '$(A)');
  assert.equal(expand('cost $5 $', vars), 'cost $5 $');
  assert.equal(expand('$(A', vars), '$(A');
  assert.equal(expand('$()', vars), '$()');
});
