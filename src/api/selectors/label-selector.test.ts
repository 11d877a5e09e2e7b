import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BadRequestError } from '../errors.js';
import { LabelSelector } from './label-selector.js';

test('parses every operator of the query syntax', () => {
  const s = LabelSelector.parse('app=web,tier!=db,env in (dev, prod),zone notin (x),team,!legacy');
  assert.ok(s.matches({ app: 'web', tier: 'front', env: 'dev', team: 'a' }));
  assert.ok(!s.matches({ app: 'web', tier: 'db', env: 'dev', team: 'a' }));
  assert.ok(!s.matches({ app: 'web', env: 'qa', team: 'a' }));
  assert.ok(!s.matches({ app: 'web', env: 'dev', team: 'a', legacy: 'y' }));
  assert.ok(!s.matches({ app: 'web', env: 'dev' }));
  assert.ok(LabelSelector.parse('a==b').matches({ a: 'b' }));
  assert.ok(LabelSelector.parse('').matches(undefined));
});

test('rejects malformed selectors with BadRequest', () => {
  assert.throws(() => LabelSelector.parse('a=b=c'), BadRequestError);
  assert.throws(() => LabelSelector.parse('bad key!=x'), BadRequestError);
});

test('structured selectors compile to the same requirements', () => {
  const s = LabelSelector.fromObject({ matchLabels: { app: 'web' }, matchExpressions: [{ key: 'env', operator: 'NotIn', values: ['prod'] }] })!;
  assert.ok(s.matches({ app: 'web', env: 'dev' }));
  assert.ok(!s.matches({ app: 'web', env: 'prod' }));
  assert.equal(s.toString(), 'app=web,env!=prod');
  assert.equal(LabelSelector.fromObject(null), null);
});
