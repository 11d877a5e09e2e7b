// Acknowledged means durable: a writer killed with SIGKILL mid-stream loses nothing it reported.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { SqliteStore } from './sqlite-store.js';

const WRITER = fileURLToPath(new URL('./durability-writer.js', import.meta.url));

test('sqlite: every acknowledged create survives SIGKILL of the writer', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'k8ts-durability-'));
  try {
    const path = join(dir, 'state.db');
    const child = spawn(process.execPath, [WRITER, path], { stdio: ['ignore', 'pipe', 'inherit'] });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => { output += chunk; });
    const exited = new Promise(resolve => child.on('exit', resolve));
    // Kill once the writer has been acknowledging for a while, not merely started.
    while (!output.includes('\n') && child.exitCode === null) await sleep(10);
    await sleep(1000);
    child.kill('SIGKILL');
    await exited;

    // A line cut off by the kill was never fully reported; everything before it was.
    const acknowledged = output.split('\n').slice(0, -1).map(line => {
      const [key, revision] = line.split(' ');
      return { key, revision: Number(revision) };
    });
    assert.ok(acknowledged.length > 0, 'the writer acknowledged some creates');

    const store = SqliteStore.open(path);
    try {
      for (const { key, revision } of acknowledged) {
        assert.equal((await store.get(key))?.modRevision, revision, `${key} at ${revision}`);
      }
      const highest = Math.max(...acknowledged.map(a => a.revision));
      assert.ok(store.revision >= highest);
      assert.ok((await store.create('/after-restart', 'x')) > highest);
    } finally {
      await store.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
