// The cluster DNS of one node: watches Services, EndpointSlices and Namespaces, answers on the
// node's IP (UDP and TCP, port 53) for the cluster domain, forwards other names to the node's
// resolvers, and keeps the node's endpoint in the kube-dns Service.
import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { Informer } from '../client/informer.js';
import { HandlerRegistrations, type SharedInformers } from '../client/shared-informers.js';
import type { RestClient } from '../client/rest-client.js';
import { objectPath, R } from '../client/resources.js';
import type { Logger } from '../util/log.js';
import { joinHostPort } from '../util/host-port.js';
import { parseResolvConf } from '../util/resolv-conf.js';
import { ClusterRecords } from './cluster-records.js';
import { DnsHandler } from './dns-handler.js';
import { DnsMetrics } from './dns-metrics.js';
import { Forwarder } from './forwarder.js';
import { DNS_NAMESPACE, desiredSlice, sliceMatches, sliceName, writeSlice } from './node-endpoint-slice.js';
import { DEFAULT_TTL } from './resolver.js';
import { DnsServer } from './server.js';
import type { EndpointSliceObject, NamespaceObject, ServiceObject } from './types.js';

export const DNS_PORT = 53;
const RETRY_MS = 2000;

export class ClusterDnsError extends Error {}

export interface ClusterDnsOptions {
  client: RestClient;
  /** The agent's informers, shared by its components: each resource is listed, watched and cached once per node. */
  informers: SharedInformers;
  nodeName: string;
  /** The address served on (the node's InternalIP). */
  address: string;
  /** Default 53. */
  port?: number;
  /** Where /metrics is served on `address` (CoreDNS's 9153); undefined: nowhere. */
  metricsPort?: number;
  /** The cluster domain (--cluster-domain). */
  zone: string;
  /** The node's resolver config, whose nameservers get the names outside the cluster. */
  resolvConf: string;
  log: Logger;
}

export class ClusterDns {
  readonly records = new ClusterRecords();
  private readonly services: Informer<ServiceObject>;
  private readonly slices: Informer<EndpointSliceObject>;
  private readonly namespaces: Informer<NamespaceObject>;
  private readonly handlers = new HandlerRegistrations();
  private server?: DnsServer;
  private metricsServer?: Server;
  private nodeUid?: string;
  private port = 0;
  private serving = false;
  private writing?: Promise<void>;
  private retry?: NodeJS.Timeout;

  constructor(private readonly o: ClusterDnsOptions) {
    this.services = o.informers.get(R.services);
    this.slices = o.informers.get(R.endpointslices);
    this.namespaces = o.informers.get(R.namespaces);
  }

  /** Resolves once the caches are filled and the server listens. */
  async start(): Promise<void> {
    const { records } = this;
    this.handlers.add(this.services, { add: s => records.setService(s), update: (_, s) => records.setService(s), delete: s => records.deleteService(s.metadata.namespace!, s.metadata.name!) });
    this.handlers.add(this.slices, {
      add: s => this.sliceChanged(s),
      update: (_, s) => this.sliceChanged(s),
      delete: s => {
        records.deleteSlice(s.metadata.namespace!, s.metadata.name!);
        if (this.isOurs(s)) this.writeOurSlice();
      },
    });
    this.handlers.add(this.namespaces, { add: n => records.setNamespace(n), update: (_, n) => records.setNamespace(n), delete: n => records.deleteNamespace(n.metadata.name!) });
    await Promise.all([this.services.waitForSync(), this.slices.waitForSync(), this.namespaces.waitForSync()]);
    const nameservers = this.upstreams();
    const handler = new DnsHandler(records, { zone: this.o.zone, ttl: DEFAULT_TTL, nameserverIPs: [this.o.address] }, new Forwarder({ nameservers }));
    const port = this.o.port ?? DNS_PORT;
    const metrics = new DnsMetrics(`dns://${joinHostPort(this.o.address, port)}`, this.o.address.includes(':') ? '2' : '1');
    this.server = new DnsServer({ address: this.o.address, port, handle: (q, t) => metrics.observe(q, t, handler.handle(q, t)), log: this.o.log });
    try {
      this.port = await this.server.start();
    } catch (err) {
      await this.server.stop().catch(() => undefined);
      throw new ClusterDnsError(`cannot serve DNS on ${this.o.address}:${this.o.port ?? DNS_PORT}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message} (--disable-cluster-dns runs the node without it)`);
    }
    this.serving = true;
    if (this.o.metricsPort !== undefined) this.metricsServer = metrics.serve(this.o.address, this.o.metricsPort, this.o.log);
    this.o.log('cluster DNS serving', { address: this.o.address, port: this.port, zone: this.o.zone, upstreams: nameservers });
    this.writeOurSlice();
    await this.writing;
  }

  async stop(): Promise<void> {
    clearTimeout(this.retry);
    this.handlers.removeAll();
    await this.server?.stop();
    await new Promise(resolve => (this.metricsServer ? this.metricsServer.close(resolve) : resolve(undefined)));
    if (this.serving) {
      this.serving = false;
      // Not serving any more: the endpoint stays, not ready, until the next start.
      await this.writing;
      await this.syncSlice().catch(err => this.o.log('cluster DNS endpoint not marked stopped', { error: (err as Error).message }));
    }
  }

  private upstreams(): string[] {
    try {
      // Never ourselves: a question would wait on its own answer.
      return parseResolvConf(readFileSync(this.o.resolvConf, 'utf8')).nameservers.filter(ns => ns !== this.o.address);
    } catch (err) {
      this.o.log('cluster DNS has no upstream resolvers', { resolvConf: this.o.resolvConf, error: (err as NodeJS.ErrnoException).code ?? (err as Error).message });
      return [];
    }
  }

  private isOurs(s: EndpointSliceObject): boolean {
    return s.metadata.namespace === DNS_NAMESPACE && s.metadata.name === sliceName(this.o.nodeName);
  }

  private sliceChanged(s: EndpointSliceObject): void {
    this.records.setSlice(s);
    if (this.isOurs(s) && this.serving && this.nodeUid && !sliceMatches(s, this.want())) this.writeOurSlice();
  }

  private want(): EndpointSliceObject {
    return desiredSlice(this.o.nodeName, this.nodeUid!, this.o.address, this.port, this.serving);
  }

  /** One write at a time; a failed one is retried. */
  private writeOurSlice(): void {
    if (this.writing || !this.serving) return;
    this.writing = this.syncSlice()
      .catch(err => {
        this.o.log('cluster DNS endpoint not written, retrying', { error: (err as Error).message });
        this.retry = setTimeout(() => this.writeOurSlice(), RETRY_MS);
      })
      .finally(() => (this.writing = undefined));
  }

  private async syncSlice(): Promise<void> {
    // The Node's uid, for the owner reference (a re-registered Node has a new one).
    const node = await this.o.client.get<{ metadata: { uid?: string } }>(objectPath(R.nodes, undefined, this.o.nodeName));
    this.nodeUid = node.metadata.uid;
    const want = this.want();
    await writeSlice(this.o.client, want, this.slices.get(`${DNS_NAMESPACE}/${want.metadata.name}`));
  }
}
