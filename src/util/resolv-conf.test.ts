import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseResolvConf } from './resolv-conf.js';

test('resolv.conf: nameservers accumulate, the last search and options lines win, comments skipped', () => {
  const conf = parseResolvConf([
    '# generated', 'nameserver 10.0.0.2', 'search a.example', '; old', 'nameserver  10.0.0.3  # second',
    'search corp.example. lab.example', 'options ndots:2', 'options timeout:1 attempts:3', 'nameserver', '',
  ].join('\n'));
  assert.deepEqual(conf, { nameservers: ['10.0.0.2', '10.0.0.3'], searches: ['corp.example', 'lab.example'], options: ['timeout:1', 'attempts:3'] });
  assert.deepEqual(parseResolvConf(''), { nameservers: [], searches: [], options: [] });
});
