import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as grpc from '@grpc/grpc-js';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CsiClient, CsiError, RegistrationClient } from './client.js';
import { csiPackage, csiTarget, registrationPackage, socketPath } from './protocol.js';
import type { IdentityHandlers, NodeHandlers, RegistrationHandlers } from './types.js';

function tempDir(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'csi-client-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function serve(t: { after(fn: () => Promise<void> | void): void }, socket: string, add: (server: grpc.Server) => void): Promise<void> {
  const server = new grpc.Server();
  add(server);
  await new Promise<void>((resolve, reject) => server.bindAsync(`unix://${socket}`, grpc.ServerCredentials.createInsecure(), (err) => (err ? reject(err) : resolve())));
  t.after(() => new Promise<void>((resolve) => server.tryShutdown(() => resolve())));
}

test('endpoints: unix:// URLs and bare paths', () => {
  assert.equal(csiTarget('/var/lib/kubelet/plugins/x/csi.sock'), 'unix:///var/lib/kubelet/plugins/x/csi.sock');
  assert.equal(csiTarget('unix:///csi/csi.sock'), 'unix:///csi/csi.sock');
  assert.throws(() => csiTarget('localhost:1234'), /must be a unix socket/);
  assert.equal(socketPath('unix:///csi/csi.sock'), '/csi/csi.sock');
  assert.equal(socketPath('/csi/csi.sock'), '/csi/csi.sock');
});

test('Identity and Node calls travel as csi.v1 over a unix socket; enums arrive as names, oneofs name their member', async (t) => {
  const socket = join(tempDir(t), 'csi.sock');
  const identity: IdentityHandlers = {
    GetPluginInfo: (_call, cb) => cb(null, { name: 'hostpath.csi.k8ts.io', vendorVersion: '1.0.0', manifest: { a: 'b' } }),
    GetPluginCapabilities: (_call, cb) => cb(null, { capabilities: [{ service: { type: 'CONTROLLER_SERVICE' } }, { volumeExpansion: { type: 'ONLINE' } }] }),
    Probe: (_call, cb) => cb(null, { ready: { value: true } }),
  };
  let staged: unknown;
  const node: Partial<NodeHandlers> = {
    NodeGetCapabilities: (_call, cb) => cb(null, { capabilities: [{ rpc: { type: 'STAGE_UNSTAGE_VOLUME' } }, { rpc: { type: 'GET_VOLUME_STATS' } }] }),
    NodeStageVolume: (call, cb) => { staged = call.request; cb(null, {}); },
    NodeGetVolumeStats: (_call, cb) => cb(null, { usage: [{ total: 8 * 2 ** 40, available: 2 ** 40, used: 7 * 2 ** 40, unit: 'BYTES' }] }),
  };
  await serve(t, socket, (server) => {
    server.addService(csiPackage().Identity.service, identity);
    server.addService(csiPackage().Node.service, node as NodeHandlers);
  });
  const client = new CsiClient(socket, { timeoutMs: 5_000 });
  t.after(() => client.close());

  const info = await client.identity.call('GetPluginInfo', {});
  assert.deepEqual(info, { name: 'hostpath.csi.k8ts.io', vendorVersion: '1.0.0', manifest: { a: 'b' } });
  assert.deepEqual([...await client.pluginCapabilities()], ['CONTROLLER_SERVICE']);
  assert.equal((await client.identity.call('Probe', {})).ready?.value, true);
  assert.deepEqual([...await client.nodeCapabilities()], ['STAGE_UNSTAGE_VOLUME', 'GET_VOLUME_STATS']);

  await client.node.call('NodeStageVolume', {
    volumeId: 'v1', stagingTargetPath: '/stage',
    volumeCapability: { mount: { fsType: 'ext4', mountFlags: ['noatime'] }, accessMode: { mode: 'SINGLE_NODE_WRITER' } },
    volumeContext: { k: 'v' },
  });
  const req = staged as { volumeId: string; volumeCapability: { accessType: string; mount: { fsType: string; mountFlags: string[] }; accessMode: { mode: string } }; volumeContext: Record<string, string>; secrets: Record<string, string> };
  assert.equal(req.volumeId, 'v1');
  assert.equal(req.volumeCapability.accessType, 'mount');
  assert.deepEqual(req.volumeCapability.mount, { fsType: 'ext4', mountFlags: ['noatime'], volumeMountGroup: '' });
  assert.equal(req.volumeCapability.accessMode.mode, 'SINGLE_NODE_WRITER');
  assert.deepEqual(req.volumeContext, { k: 'v' });
  assert.deepEqual(req.secrets, {});

  // int64 capacities beyond 32 bits arrive intact, as numbers.
  const stats = await client.node.call('NodeGetVolumeStats', { volumeId: 'v1', volumePath: '/p' });
  assert.deepEqual(stats.usage.map((u) => [u.total, u.available, u.used, u.unit]), [[8 * 2 ** 40, 2 ** 40, 7 * 2 ** 40, 'BYTES']]);
});

test('a driver error keeps its gRPC code and message, printed as Go clients print it', async (t) => {
  const socket = join(tempDir(t), 'csi.sock');
  const node: Partial<NodeHandlers> = {
    NodePublishVolume: (_call, cb) => cb({ code: grpc.status.NOT_FOUND, details: 'volume v9 does not exist' }),
  };
  await serve(t, socket, (server) => server.addService(csiPackage().Node.service, node as NodeHandlers));
  const client = new CsiClient(`unix://${socket}`, { timeoutMs: 5_000 });
  t.after(() => client.close());
  const err = await client.node.call('NodePublishVolume', { volumeId: 'v9', targetPath: '/t' }).catch((e: unknown) => e);
  assert.ok(err instanceof CsiError);
  assert.equal(err.code, grpc.status.NOT_FOUND);
  assert.equal(err.method, 'NodePublishVolume');
  assert.equal(err.message, 'rpc error: code = NotFound desc = volume v9 does not exist');
  assert.equal(err.unreachable, false);
  // A method the driver does not implement is UNIMPLEMENTED (optional RPCs).
  const unimpl = await client.node.call('NodeExpandVolume', { volumeId: 'v9', volumePath: '/t' }).catch((e: unknown) => e);
  assert.ok(unimpl instanceof CsiError && unimpl.unimplemented);
});

test('no listener on the socket: a typed Unavailable error, quickly', async (t) => {
  const client = new CsiClient(join(tempDir(t), 'missing.sock'), { timeoutMs: 10_000 });
  t.after(() => client.close());
  const started = Date.now();
  const err = await client.identity.call('Probe', {}).catch((e: unknown) => e);
  assert.ok(err instanceof CsiError);
  assert.equal(err.code, grpc.status.UNAVAILABLE);
  assert.ok(err.unreachable);
  assert.ok(Date.now() - started < 5_000, 'a missing socket fails fast, not at the deadline');
});

test('a socket that accepts but never answers: DeadlineExceeded at the call deadline', async (t) => {
  const socket = join(tempDir(t), 'silent.sock');
  const held: import('node:net').Socket[] = [];
  const silent = createServer((conn) => held.push(conn));
  await new Promise<void>((resolve) => silent.listen(socket, resolve));
  t.after(() => { for (const c of held) c.destroy(); silent.close(); });
  const client = new CsiClient(socket);
  t.after(() => client.close());
  const err = await client.node.call('NodeGetInfo', {}, { timeoutMs: 300 }).catch((e: unknown) => e);
  assert.ok(err instanceof CsiError);
  assert.equal(err.code, grpc.status.DEADLINE_EXCEEDED);
  assert.ok(err.unreachable);
  assert.match(err.message, /^rpc error: code = DeadlineExceeded desc = /);
});

test('plugin registration: GetInfo and NotifyRegistrationStatus as pluginregistration.Registration', async (t) => {
  const socket = join(tempDir(t), 'reg.sock');
  const notified: unknown[] = [];
  const handlers: RegistrationHandlers = {
    GetInfo: (_call, cb) => cb(null, { type: 'CSIPlugin', name: 'hostpath.csi.k8ts.io', endpoint: '/var/lib/kubelet/plugins/h/csi.sock', supportedVersions: ['1.0.0'] }),
    NotifyRegistrationStatus: (call, cb) => { notified.push(call.request); cb(null, {}); },
  };
  await serve(t, socket, (server) => server.addService(registrationPackage().Registration.service, handlers));
  const client = new RegistrationClient(socket, { timeoutMs: 5_000 });
  t.after(() => client.close());
  assert.deepEqual(await client.registration.call('GetInfo', {}), { type: 'CSIPlugin', name: 'hostpath.csi.k8ts.io', endpoint: '/var/lib/kubelet/plugins/h/csi.sock', supportedVersions: ['1.0.0'] });
  await client.registration.call('NotifyRegistrationStatus', { pluginRegistered: false, error: 'bad version' });
  assert.deepEqual(notified, [{ pluginRegistered: false, error: 'bad version' }]);
  assert.equal(registrationPackage().Registration.service.GetInfo.path, '/pluginregistration.Registration/GetInfo');
  assert.equal(csiPackage().Node.service.NodeStageVolume.path, '/csi.v1.Node/NodeStageVolume');
});
