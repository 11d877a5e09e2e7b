// A gRPC server on a unix socket, as CSI plugins serve: a stale socket file from an earlier run is
// removed first (binding would fail on it), and the file is removed again at stop so that nobody
// (the kubelet's plugin watcher in particular) mistakes it for a live plugin.
import * as grpc from '@grpc/grpc-js';
import { mkdirSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { csiTarget, socketPath } from '../client/csi/protocol.js';

export class UnixGrpcServer {
  readonly server = new grpc.Server();
  readonly path: string;

  constructor(endpoint: string) {
    this.path = socketPath(endpoint);
  }

  async start(): Promise<void> {
    mkdirSync(dirname(this.path), { recursive: true });
    rmSync(this.path, { force: true });
    await new Promise<void>((resolve, reject) => {
      this.server.bindAsync(csiTarget(this.path), grpc.ServerCredentials.createInsecure(), err => (err ? reject(err) : resolve()));
    });
  }

  /** Stops accepting calls, lets running ones finish (at most `graceMs`), and removes the socket. */
  async stop(graceMs = 5_000): Promise<void> {
    await new Promise<void>(resolve => {
      const force = setTimeout(() => { this.server.forceShutdown(); resolve(); }, graceMs);
      this.server.tryShutdown(() => { clearTimeout(force); resolve(); });
    });
    rmSync(this.path, { force: true });
  }
}
