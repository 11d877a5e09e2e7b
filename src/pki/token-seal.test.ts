import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openWithToken, SealError, sealWithToken } from './token-seal.js';

test('sealed data opens with its token only, and not once altered', async () => {
  const sealed = await sealWithToken('abcdef.0123456789abcdef', Buffer.from('secret bundle'));
  assert.equal((await openWithToken('abcdef.0123456789abcdef', sealed)).toString(), 'secret bundle');
  await assert.rejects(openWithToken('abcdef.0123456789abcdeg', sealed), SealError);
  const [salt, iv, body] = sealed.split('.');
  const flipped = Buffer.from(body, 'base64url');
  flipped[0] ^= 1;
  await assert.rejects(openWithToken('abcdef.0123456789abcdef', [salt, iv, flipped.toString('base64url')].join('.')), SealError);
  await assert.rejects(openWithToken('abcdef.0123456789abcdef', 'garbage'), SealError);
});
