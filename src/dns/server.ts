// The DNS server's sockets: UDP and TCP on one address and port. Over TCP each message carries a
// two-byte length (RFC 1035 4.2.2); a connection may send several queries, answered as they
// complete, and is closed after a quiet while.
import { createSocket, type Socket } from 'node:dgram';
import { createServer, type Server, type Socket as TcpSocket } from 'node:net';
import { listen } from '../util/listen.js';
import type { Logger } from '../util/log.js';
import { withLengthPrefix } from './message.js';
import type { Transport } from './dns-handler.js';

const TCP_IDLE_MS = 10_000;

export interface DnsServerOptions {
  address: string;
  port: number;
  handle(query: Buffer, transport: Transport): Promise<Buffer | undefined>;
  log: Logger;
}

/** Ports tried for UDP and TCP together when the caller asked for any (port 0). */
const PICK_PORT_ATTEMPTS = 5;

export class DnsServer {
  private udp?: Socket;
  private tcp?: Server;
  private readonly connections = new Set<TcpSocket>();

  constructor(private readonly o: DnsServerOptions) {}

  /**
   * Listens on UDP and TCP on one port; resolves with it. For port 0 the UDP socket picks it, and
   * when TCP finds that number taken (another process's connection may hold it) both are tried
   * again on a new one.
   */
  async start(): Promise<number> {
    for (let attempt = 1; ; attempt++) {
      const port = await this.bindUdp();
      this.tcp = createServer(sock => this.serveTcp(sock));
      try {
        await listen(this.tcp, port, this.o.address);
        return port;
      } catch (err) {
        if (this.o.port !== 0 || (err as NodeJS.ErrnoException).code !== 'EADDRINUSE' || attempt === PICK_PORT_ATTEMPTS) {
          await this.stop();
          throw err;
        }
        await new Promise<void>(resolve => this.udp!.close(() => resolve()));
      }
    }
  }

  private async bindUdp(): Promise<number> {
    const udp = createSocket({ type: this.o.address.includes(':') ? 'udp6' : 'udp4' });
    this.udp = udp;
    await new Promise<void>((resolve, reject) => {
      udp.once('error', reject);
      udp.bind(this.o.port, this.o.address, () => {
        udp.off('error', reject);
        resolve();
      });
    });
    udp.on('error', err => this.o.log('dns udp socket error', { error: err.message }));
    udp.on('message', (msg, rinfo) => {
      this.o.handle(msg, 'udp').then(
        out => out && udp.send(out, rinfo.port, rinfo.address),
        err => this.o.log('dns query failed', { error: (err as Error).message }),
      );
    });
    return udp.address().port;
  }

  async stop(): Promise<void> {
    for (const c of this.connections) c.destroy();
    await Promise.all([
      new Promise<void>(resolve => (this.udp ? this.udp.close(() => resolve()) : resolve())),
      new Promise<void>(resolve => (this.tcp ? this.tcp.close(() => resolve()) : resolve())),
    ]);
  }

  private serveTcp(sock: TcpSocket): void {
    this.connections.add(sock);
    sock.setTimeout(TCP_IDLE_MS, () => sock.destroy());
    sock.on('close', () => this.connections.delete(sock));
    sock.on('error', () => sock.destroy());
    let data = Buffer.alloc(0);
    sock.on('data', chunk => {
      data = data.length ? Buffer.concat([data, chunk]) : chunk;
      while (data.length >= 2 && data.length >= 2 + data.readUInt16BE(0)) {
        const msg = data.subarray(2, 2 + data.readUInt16BE(0));
        data = data.subarray(2 + msg.length);
        this.o.handle(msg, 'tcp').then(
          out => (out && !sock.destroyed ? sock.write(withLengthPrefix(out)) : undefined),
          () => sock.destroy(),
        );
      }
    });
  }
}
