import { test } from 'node:test';
import assert from 'node:assert/strict';
import { agentFlags, nodeAgentSettings } from './agent-command.js';
import { parseFlags } from './flags.js';

test('network policy enforcement is on unless --disable-network-policy', () => {
  const settings = (args: string[]) => nodeAgentSettings(parseFlags(args, agentFlags).flags);
  assert.equal(settings([]).networkPolicy, true);
  assert.equal(settings(['--disable-network-policy']).networkPolicy, false);
});

test('log shipping is on unless --disable-log-shipping', () => {
  const settings = (args: string[]) => nodeAgentSettings(parseFlags(args, agentFlags).flags);
  assert.equal(settings([]).logShipping, true);
  assert.equal(settings(['--disable-log-shipping']).logShipping, false);
});
