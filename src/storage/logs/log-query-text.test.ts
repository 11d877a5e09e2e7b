import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hasPhrases, textFilter, tokens } from './log-query-text.js';

test('tokens are letter and digit runs, lower-cased, without diacritics', () => {
  assert.deepEqual(tokens('GET /api/v1/items?id=42 Café_ÉTÉ'), ['get', 'api', 'v1', 'items', 'id', '42', 'cafe', 'ete']);
});

test('every token of every word is required; quotes and operators are words', () => {
  assert.deepEqual(textFilter(' disk  "full" OR 10.0.0.1 '), {
    match: '"disk" "full" "or" "10" "0" "1"', phrases: [['10', '0', '0', '1']], matchesNothing: false,
  });
  assert.deepEqual(textFilter(''), { phrases: [], matchesNothing: false });
  assert.deepEqual(textFilter('-- ::'), { phrases: [], matchesNothing: true });
});

test('phrases hold when their tokens are consecutive', () => {
  assert.equal(hasPhrases('dial 10.0.0.1:80 failed', [['10', '0', '0', '1']]), true);
  assert.equal(hasPhrases('10 0 0 2 1', [['10', '0', '0', '1']]), false);
  assert.equal(hasPhrases('rot-lines', [['rot', 'line']]), false);
});
