import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseTokenFile, TokenFileError } from './token-file.js';

test('token,user,uid[,"groups"] as upstream; blank lines skipped, quoted groups split on commas', () => {
  const entries = parseTokenFile('t1,alice,1001,"devs,ops"\n\n  t2, bob ,1002\n"t,3",carol,,admins\n', 'f.csv');
  assert.deepEqual(entries, [
    { token: 't1', user: { username: 'alice', uid: '1001', groups: ['devs', 'ops'] } },
    { token: 't2', user: { username: 'bob ', uid: '1002', groups: [] } },
    { token: 't,3', user: { username: 'carol', uid: undefined, groups: ['admins'] } },
  ]);
});

test('fewer than 3 columns is an error; empty tokens are skipped; a later duplicate wins', () => {
  assert.throws(() => parseTokenFile('t1,alice\n', 'f.csv'), (e: Error) => e instanceof TokenFileError && /must have at least 3 columns \(token, user name, user uid\), found 2/.test(e.message));
  assert.deepEqual(parseTokenFile(',nobody,1\nt,a,1\nt,b,2\n', 'f.csv').map(e => e.user.username), ['b']);
  assert.throws(() => parseTokenFile('"unterminated,a,1\n', 'f.csv'), /extraneous or missing "/);
});
