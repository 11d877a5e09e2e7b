import { test } from 'node:test';
import assert from 'node:assert/strict';
import { validateCreate } from './index.js';
import { defaulted, messages, namespaced } from './testing.js';
import { networkingDefaults } from '../defaults/networking.js';
import { networkingRules } from './networking.js';

const policy = (spec: object) => defaulted(networkingDefaults.NetworkPolicy, { metadata: { name: 'p', namespace: 'd' }, spec });
const errors = (spec: object) => messages(validateCreate(networkingRules.NetworkPolicy, policy(spec), namespaced));
const fromBlock = (ipBlock: object) => ({ podSelector: {}, ingress: [{ from: [{ ipBlock }] }] });

test('network policy ipBlock: cidr and except as upstream\'s ValidateIPBlock', () => {
  assert.deepEqual(errors(fromBlock({ cidr: '10.0.0.0/8', except: ['10.1.0.0/16', '10.2.3.4/32'] })), []);
  assert.deepEqual(errors(fromBlock({ cidr: '10.0.0.0/33' })), [
    'spec.ingress[0].from[0].ipBlock.cidr: Invalid value: "10.0.0.0/33": must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)',
  ]);
  assert.deepEqual(errors(fromBlock({ cidr: '' })), ['spec.ingress[0].from[0].ipBlock.cidr: Required value']);
  assert.deepEqual(errors(fromBlock({ cidr: '10.0.0.0/16', except: ['10.0.0.0/8', '192.168.0.0/24', '10.0.0.0/16', 'nope', '10.0.1.0/24'] })), [
    'spec.ingress[0].from[0].ipBlock.except[0]: Invalid value: "10.0.0.0/8": must be a strict subset of `cidr`',
    'spec.ingress[0].from[0].ipBlock.except[1]: Invalid value: "192.168.0.0/24": must be a strict subset of `cidr`',
    'spec.ingress[0].from[0].ipBlock.except[2]: Invalid value: "10.0.0.0/16": must be a strict subset of `cidr`',
    'spec.ingress[0].from[0].ipBlock.except[3]: Invalid value: "nope": must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)',
  ]);
  assert.deepEqual(errors({ podSelector: {}, egress: [{ to: [{ ipBlock: { cidr: '10.0.0.0/8' }, podSelector: {} }] }] }), [
    'spec.egress[0].to[0]: Forbidden: may not specify both ipBlock and another peer',
  ]);
});

test('network policy ports: endPort needs a numeric port and a valid range', () => {
  const ports = (p: object) => errors({ podSelector: {}, ingress: [{ ports: [p] }] });
  assert.deepEqual(ports({ port: 8000, endPort: 9000 }), []);
  assert.deepEqual(ports({ endPort: 9000 }), ['spec.ingress[0].ports[0].endPort: Invalid value: 9000: may not be specified when `port` is not specified']);
  assert.deepEqual(ports({ port: 'http', endPort: 9000 }), ['spec.ingress[0].ports[0].endPort: Invalid value: 9000: may not be specified when `port` is non-numeric']);
  assert.deepEqual(ports({ port: 9000, endPort: 8000 }), ['spec.ingress[0].ports[0].endPort: Invalid value: 9000: must be greater than or equal to `port`']);
  assert.deepEqual(ports({ port: 9000, endPort: 70000 }), ['spec.ingress[0].ports[0].endPort: Invalid value: 70000: must be between 1 and 65535, inclusive']);
  assert.deepEqual(ports({ port: 80, protocol: 'ICMP' }), ['spec.ingress[0].ports[0].protocol: Unsupported value: "ICMP": supported values: "SCTP", "TCP", "UDP"']);
});
