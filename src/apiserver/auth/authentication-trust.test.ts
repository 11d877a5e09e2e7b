import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_REQUEST_HEADERS } from '../../api/request-header.js';
import { authenticationTrustData } from './authentication-trust.js';

test('extension-apiserver-authentication holds the client CA and the requestheader settings, lists as JSON', () => {
  assert.deepEqual(authenticationTrustData('CLIENT-CA', { caPem: 'PROXY-CA', allowedNames: ['front-proxy-client'], ...DEFAULT_REQUEST_HEADERS }), {
    'client-ca-file': 'CLIENT-CA',
    'requestheader-allowed-names': '["front-proxy-client"]',
    'requestheader-client-ca-file': 'PROXY-CA',
    'requestheader-extra-headers-prefix': '["X-Remote-Extra-"]',
    'requestheader-group-headers': '["X-Remote-Group"]',
    'requestheader-username-headers': '["X-Remote-User"]',
  });
});
