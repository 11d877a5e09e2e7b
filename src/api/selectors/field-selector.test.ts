import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StatusError } from '../errors.js';
import { FieldSelector, metadataFields } from './field-selector.js';

test('field selectors: only the declared fields, never members of Object.prototype', () => {
  const obj = { metadata: { name: 'a', namespace: 'ns' } };
  const sel = FieldSelector.parse('metadata.name=a,metadata.namespace!=other');
  sel.check(metadataFields);
  assert.equal(sel.matches(obj, metadataFields), true);
  for (const field of ['__proto__', 'constructor', 'toString', '__defineGetter__', 'spec.nodeName']) {
    const bad = FieldSelector.parse(`${field}=x`);
    assert.throws(() => bad.check(metadataFields), (e: unknown) => e instanceof StatusError && e.code === 400 && e.message === `field label not supported: ${field}`);
    assert.equal(bad.matches(obj, metadataFields), false, 'an undeclared field reads as ""');
  }
});
