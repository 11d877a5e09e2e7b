import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { killall, TeardownError, type TeardownStep } from './teardown.js';

const dir = mkdtempSync(join(tmpdir(), 'k8ts-teardown-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const steps = (ran: string[]): TeardownStep[] => [
  { what: 'first', run: async ctx => { ran.push('first'); ctx.report('removed a'); } },
  { what: 'second', run: async () => { ran.push('second'); throw new TeardownError('cannot remove b\nmore detail'); } },
  { what: 'third', run: async ctx => { ran.push('third'); ctx.report(`removed c from ${ctx.agentDir}`); } },
];

test('every step runs even after one fails; each failure is one line naming its step', async () => {
  const ran: string[] = [];
  const lines: string[] = [];
  const errors = await killall({ dataDir: join(dir, 'a'), report: l => lines.push(l) }, steps(ran));
  assert.deepEqual(ran, ['first', 'second', 'third']);
  assert.deepEqual(lines, ['removed a', `removed c from ${join(dir, 'a', 'agent')}`]);
  assert.deepEqual(errors.map(e => e.message), ['second: cannot remove b']);
});

test('a node recorded in another network namespace is refused before any step runs', async () => {
  const dataDir = join(dir, 'b');
  mkdirSync(join(dataDir, 'agent'), { recursive: true });
  writeFileSync(join(dataDir, 'agent', 'netns'), 'net:[1]\n');
  const ran: string[] = [];
  const errors = await killall({ dataDir, report: () => {} }, steps(ran));
  assert.deepEqual(ran, []);
  assert.equal(errors.length, 1);
  assert.match(errors[0].message, /^the node runs in network namespace net:\[1\], this is net:\[\d+\]/);
});
