import { test } from 'node:test';
import assert from 'node:assert/strict';
import { exposition, Gauge, Registry } from './registry.js';

test('exposition: label pairs sorted by name as client_golang writes them, escaped values kept whole', async () => {
  const registry = new Registry();
  const g = new Gauge({ name: 'x', help: 'h', labelNames: ['pod', 'container', 'namespace'], registers: [registry] });
  g.set({ pod: 'p', container: 'c,"}x', namespace: 'n' }, 1);
  new Gauge({ name: 'y', help: 'h', registers: [registry] }).set(2);
  const out = await exposition(registry);
  assert.match(out, /^x\{container="c,\\"}x",namespace="n",pod="p"\} 1$/m);
  assert.match(out, /^y 2$/m);
});
