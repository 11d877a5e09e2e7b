import assert from 'node:assert/strict';
import { test } from 'node:test';
import { identityTransformer, PrefixTransformers, TransformError, type ValueTransformer } from './transformer.js';

/** Reversible and recognisable: wraps the text in its tag. */
function tagged(tag: string): ValueTransformer {
  return {
    fromStorage(stored) {
      if (!stored.startsWith(`<${tag}>`)) throw new TransformError(`not ${tag}`);
      return { text: stored.slice(tag.length + 2), stale: false };
    },
    toStorage: text => `<${tag}>${text}`,
  };
}

test('the first entry writes, with its prefix', () => {
  const t = new PrefixTransformers([{ prefix: 'k8s:enc:a:v1:', transformer: tagged('a') }, { prefix: '', transformer: identityTransformer }], 'no matching prefix found');
  assert.equal(t.toStorage('{}', '/k'), 'k8s:enc:a:v1:<a>{}');
  assert.deepEqual(t.fromStorage('k8s:enc:a:v1:<a>{}', '/k'), { text: '{}', stale: false });
});

test('a value read by a later entry is stale (rotation rewrites it)', () => {
  const t = new PrefixTransformers([
    { prefix: 'new:', transformer: tagged('n') },
    { prefix: 'old:', transformer: tagged('o') },
    { prefix: '', transformer: identityTransformer },
  ], 'no matching prefix found');
  assert.deepEqual(t.fromStorage('old:<o>{"a":1}', '/k'), { text: '{"a":1}', stale: true });
  // Plain values from before encryption was turned on are read by identity, stale too.
  assert.deepEqual(t.fromStorage('{"a":1}', '/k'), { text: '{"a":1}', stale: true });
  assert.deepEqual(t.fromStorage('new:<n>{}', '/k'), { text: '{}', stale: false });
});

test('entries sharing a prefix are all tried; errors of those that tried are reported', () => {
  const t = new PrefixTransformers([{ prefix: 'p:', transformer: tagged('x') }, { prefix: 'p:', transformer: tagged('y') }], 'none');
  assert.deepEqual(t.fromStorage('p:<y>v', '/k'), { text: 'v', stale: true });
  assert.throws(() => t.fromStorage('p:<z>v', '/k'), { message: '[not x, not y]' });
  const one = new PrefixTransformers([{ prefix: 'p:', transformer: tagged('x') }], 'none');
  assert.throws(() => one.fromStorage('p:<z>v', '/k'), { message: 'not x' });
});

test('nothing matching: the configured error; identity never reads encrypted data', () => {
  const t = new PrefixTransformers([{ prefix: 'k8s:enc:aescbc:v1:', transformer: tagged('a') }], 'no matching prefix found');
  assert.throws(() => t.fromStorage('{}', '/k'), { message: 'no matching prefix found' });
  assert.throws(() => identityTransformer.fromStorage('k8s:enc:aescbc:v1:k:xyz', '/k'), { message: 'identity transformer tried to read encrypted data' });
  // Identity first (decrypting on the way out of encryption): encrypted values fall to the next entry.
  const out = new PrefixTransformers([{ prefix: '', transformer: identityTransformer }, { prefix: 'k8s:enc:aescbc:v1:', transformer: tagged('a') }], 'no matching prefix found');
  assert.deepEqual(out.fromStorage('k8s:enc:aescbc:v1:<a>{}', '/k'), { text: '{}', stale: true });
  assert.equal(out.toStorage('{}', '/k'), '{}');
});
