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

export class DnsServer {
  private udp?: Socket;
  private tcp?: Server;
  private readonly connections = new Set<TcpSocket>();

  constructor(private readonly o: DnsServerOptions) {}

  /** Listens on UDP and TCP; resolves with the port (the UDP one, for port 0). */
  async start(): Promise<number> {
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
    const port = udp.address().port;
    this.tcp = createServer(sock => this.serveTcp(sock));
    await listen(this.tcp, port, this.o.address);
    return port;
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
