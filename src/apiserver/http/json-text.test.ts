import { test } from 'node:test';
import assert from 'node:assert/strict';
import { closingQuote } from './json-text.js';

test('closingQuote: skips escaped quotes, counts runs of backslashes, and ends at the text for an open string', () => {
  assert.equal(closingQuote('"abc" x', 0), 4);
  assert.equal(closingQuote('{"a\\"b":1}', 1), 6);
  assert.equal(closingQuote('"a\\\\" x', 0), 4, 'an escaped backslash does not escape the quote');
  assert.equal(closingQuote('"a\\\\\\"b" x', 0), 7);
  assert.equal(closingQuote('"never closed\\"', 0), 15);
  assert.equal(closingQuote('""', 0), 1);
});
