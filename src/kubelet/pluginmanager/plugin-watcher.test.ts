import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HostPathDriver } from '../../csi-hostpath/driver.js';
import { PluginWatcher, type PluginHandler } from './plugin-watcher.js';

async function until(check: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise(r => setTimeout(r, 20));
  }
}

class RecordingHandler implements PluginHandler {
  calls: string[] = [];
  refuse?: string;
  validate(name: string, endpoint: string, versions: string[]): string | undefined {
    this.calls.push(`validate ${name} ${endpoint} ${versions.join(',')}`);
    return this.refuse;
  }
  async register(name: string): Promise<void> {
    this.calls.push(`register ${name}`);
  }
  async deregister(name: string): Promise<void> {
    this.calls.push(`deregister ${name}`);
  }
}

test('a driver\'s registration socket: GetInfo, validate, register, NotifyRegistrationStatus; removal deregisters; a refusal is told to the plugin', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'plugin-watcher-'));
  const registry = join(dir, 'plugins_registry');
  const handler = new RecordingHandler();
  const watcher = new PluginWatcher({ dir: registry, handlers: { CSIPlugin: handler }, log: () => undefined, intervalMs: 50, retryAfterMs: 100 });
  const driver = (name: string) => new HostPathDriver({
    driverName: name, nodeId: 'n', endpoint: join(dir, name, 'csi.sock'), dataDir: join(dir, name, 'data'), capacityBytes: 2 ** 30,
    registration: { registrationDir: registry, kubeletRegistrationPath: join(dir, name, 'csi.sock') }, log: () => undefined,
  });
  const good = driver('good.csi.k8ts.io');
  t.after(async () => {
    await watcher.stop();
    await good.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  await watcher.start();
  await good.start();
  await until(() => good.registration?.status.state === 'registered', 'registration');
  assert.deepEqual(handler.calls, [`validate good.csi.k8ts.io ${join(dir, 'good.csi.k8ts.io', 'csi.sock')} 1.0.0`, 'register good.csi.k8ts.io']);
  assert.deepEqual([...watcher.plugins().values()], [{ type: 'CSIPlugin', name: 'good.csi.k8ts.io' }]);

  handler.refuse = 'not today';
  const bad = driver('bad.csi.k8ts.io');
  await bad.start();
  await until(() => bad.registration?.status.state === 'rejected', 'refusal');
  assert.deepEqual(bad.registration?.status, { state: 'rejected', error: 'RegisterPlugin error -- plugin validation failed with err: not today' });
  // Refused plugins are asked again later; accepted once the handler agrees.
  handler.refuse = undefined;
  await until(() => bad.registration?.status.state === 'registered', 'registration on retry');
  await bad.stop();
  await until(() => handler.calls.includes('deregister bad.csi.k8ts.io'), 'deregistration');
  assert.deepEqual([...watcher.plugins().values()].map(p => p.name), ['good.csi.k8ts.io']);
});
