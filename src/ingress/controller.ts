// The built-in ingress controller of a node: it watches Ingresses, IngressClasses, Services,
// EndpointSlices and TLS Secrets, rebuilds the route table when any of them changes, reports what
// the Ingresses name but does not exist (Warning Events), keeps their status.loadBalancer, and
// serves the table on the node's HTTP and HTTPS ports. Nothing here can stop the agent: a port that
// cannot be bound is retried, and one broken Ingress only loses its own routes.
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import { createSecureContext, type SecureContext } from 'node:tls';
import { Informer, stripManagedFields, type InformerHandlers } from '../client/informer.js';
import { HandlerRegistrations, type SharedInformers } from '../client/shared-informers.js';
import type { RestClient } from '../client/rest-client.js';
import { collectionPath, objectPath, R } from '../client/resources.js';
import { ApiEventRecorder } from '../client/event-recorder.js';
import { createSelfSignedServerCertificate, type PemPair } from '../pki/certificates.js';
import type { Logger } from '../util/log.js';
import { IngressProxy, type Listener } from './proxy.js';
import { buildRouteTable, findCertificate, isOurs, ourClassNames, TLS_SECRET_TYPE, type RouteTable, type TlsCertificate } from './route-table.js';
import { loadBalancerIngress, statusOutdated } from './status.js';
import type { EndpointSliceObject, IngressClassObject, IngressObject, NodeObject, SecretObject, ServiceObject } from './types.js';

export interface IngressControllerOptions {
  client: RestClient;
  /** The agent's informers, shared by its components: each resource is listed, watched and cached once per node. */
  informers: SharedInformers;
  nodeName: string;
  /** The agent's Node informer (all nodes), for the status. */
  nodes: NodeSource;
  httpPort: number;
  httpsPort: number;
  log: Logger;
}

/** What the controller uses of a Node informer (the agent's, whose Node type is the kubelet's). */
export interface NodeSource {
  list(): NodeObject[];
  on(handlers: InformerHandlers<NodeObject>): unknown;
  off(handlers: InformerHandlers<NodeObject>): void;
}

/** Changes arrive in bursts (a rollout touches many slices); one rebuild serves a burst. */
const REBUILD_DELAY_MS = 20;
const LISTEN_RETRY_MS = 10_000;
const STATUS_RETRY_MS = 5_000;
/** ingress-nginx's keepalive_timeout is 75 s; Node needs the header timeout above it. */
const CLIENT_KEEPALIVE_MS = 75_000;

export class IngressController {
  private readonly ingresses: Informer<IngressObject>;
  private readonly classes: Informer<IngressClassObject>;
  private readonly services: Informer<ServiceObject>;
  private readonly slices: Informer<EndpointSliceObject>;
  private readonly secrets: Informer<SecretObject>;
  private readonly recorder: ApiEventRecorder;
  private readonly handlers = new HandlerRegistrations();
  private readonly proxy: IngressProxy;
  private table: RouteTable = buildRouteTable({ ingresses: [], ingressClasses: [], services: [], endpointSlices: [], secrets: [] });
  /** Problems already reported, so each is reported once while it lasts. */
  private reported = new Set<string>();
  private readonly contexts = new Map<string, SecureContext>();
  private fallback?: PemPair;
  private defaultCertVersion?: string;
  private http?: HttpServer;
  private https?: HttpsServer;
  private rebuildTimer?: NodeJS.Timeout;
  private statusTimer?: NodeJS.Timeout;
  private readonly listenTimers = new Set<NodeJS.Timeout>();
  private statusRunning = false;
  private statusAgain = false;
  private stopped = false;
  private readonly onNodes = { add: () => this.syncStatusSoon(), update: () => this.syncStatusSoon(), delete: () => this.syncStatusSoon() };

  constructor(private readonly o: IngressControllerOptions) {
    this.ingresses = o.informers.get(R.ingresses);
    this.classes = o.informers.get(R.ingressclasses);
    this.services = o.informers.get(R.services);
    this.slices = o.informers.get(R.endpointslices);
    // Only TLS Secrets, so not the agent's shared (unfiltered) informer.
    this.secrets = new Informer<SecretObject>(o.client, collectionPath(R.secrets), { transform: stripManagedFields, fieldSelector: `type=${TLS_SECRET_TYPE}` });
    this.recorder = new ApiEventRecorder(o.client, 'k8ts-ingress', { host: o.nodeName });
    this.proxy = new IngressProxy(() => this.table, o.log);
  }

  async start(): Promise<void> {
    this.fallback = await createSelfSignedServerCertificate('K8TS Ingress Controller Fake Certificate', ['ingress.local']);
    const changed = { add: () => this.rebuildSoon(), update: () => this.rebuildSoon(), delete: () => this.rebuildSoon() };
    const all = this.informers();
    for (const inf of all) this.handlers.add(inf, changed);
    this.secrets.start();
    this.o.nodes.on(this.onNodes);
    // Serving before the caches are complete would answer 404 for routes that exist.
    await Promise.all(all.map(i => i.waitForSync()));
    if (this.stopped) return;
    this.rebuild();
    const { httpPort, httpsPort } = this.o;
    this.http = createHttpServer({ keepAliveTimeout: CLIENT_KEEPALIVE_MS, headersTimeout: CLIENT_KEEPALIVE_MS + 5_000, requestTimeout: 0 },
      (req, res) => this.proxy.handle(req, res, { scheme: 'http', port: httpPort }));
    this.https = createHttpsServer({
      keepAliveTimeout: CLIENT_KEEPALIVE_MS, headersTimeout: CLIENT_KEEPALIVE_MS + 5_000, requestTimeout: 0,
      cert: this.fallback.cert, key: this.fallback.key,
      SNICallback: (name, cb) => {
        let ctx: SecureContext | undefined;
        try {
          ctx = this.contextFor(findCertificate(this.table, name) ?? this.table.defaultCertificate);
        } catch (err) {
          cb(err as Error);
          return;
        }
        cb(null, ctx);
      },
    }, (req, res) => this.proxy.handle(req, res, { scheme: 'https', port: httpsPort }));
    this.refreshCertificates();
    this.serve(this.http, { scheme: 'http', port: httpPort });
    this.serve(this.https, { scheme: 'https', port: httpsPort });
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.rebuildTimer);
    clearTimeout(this.statusTimer);
    for (const t of this.listenTimers) clearTimeout(t);
    this.o.nodes.off(this.onNodes);
    this.handlers.removeAll();
    this.secrets.stop();
    for (const s of [this.http, this.https]) {
      s?.close();
      s?.closeAllConnections();
    }
    this.proxy.close();
  }

  private informers(): Informer[] {
    return [this.ingresses, this.classes, this.services, this.slices, this.secrets] as unknown as Informer[];
  }

  /** Listens on the port, and keeps trying if it is taken (another server on the node). */
  private serve(server: HttpServer | HttpsServer, via: Listener): void {
    server.on('upgrade', (req, socket, head) => this.proxy.upgrade(req, socket, head, via));
    let lastError: string | undefined;
    const attempt = () => {
      if (this.stopped) return;
      server.once('error', (err: NodeJS.ErrnoException) => {
        // Said once per cause, not at every retry.
        if ((err.code ?? err.message) !== lastError) {
          this.o.log('ingress cannot listen; retrying', { port: via.port, error: err.code ?? err.message, retryEverySeconds: LISTEN_RETRY_MS / 1000 });
        }
        lastError = err.code ?? err.message;
        const t = setTimeout(() => { this.listenTimers.delete(t); attempt(); }, LISTEN_RETRY_MS);
        this.listenTimers.add(t);
      });
      server.listen(via.port, () => {
        server.removeAllListeners('error');
        this.o.log('ingress listening', { scheme: via.scheme, port: via.port });
      });
    };
    attempt();
  }

  private rebuildSoon(): void {
    if (this.rebuildTimer || this.stopped || !this.ingresses.hasSynced) return;
    this.rebuildTimer = setTimeout(() => {
      this.rebuildTimer = undefined;
      this.rebuild();
    }, REBUILD_DELAY_MS);
  }

  private rebuild(): void {
    if (this.stopped) return;
    try {
      this.rebuildTable();
    } catch (err) {
      // Input the API accepted but we did not foresee: keep serving the previous table.
      this.o.log('ingress route table not rebuilt', { error: (err as Error).message });
    }
  }

  private rebuildTable(): void {
    this.table = buildRouteTable({
      ingresses: this.ingresses.list(), ingressClasses: this.classes.list(), services: this.services.list(),
      endpointSlices: this.slices.list(), secrets: this.secrets.list(),
    });
    const now = new Set<string>();
    for (const p of this.table.problems) {
      const key = `${p.ingress.metadata.uid}|${p.reason}|${p.message}`;
      now.add(key);
      if (!this.reported.has(key)) this.recorder.event(p.ingress, 'Warning', p.reason, p.message);
    }
    this.reported = now;
    this.refreshCertificates();
    this.syncStatusSoon();
  }

  /** Drops contexts of certificates no longer served; clients naming no server get the default one. */
  private refreshCertificates(): void {
    const live = new Set([...this.table.certificates.values(), this.table.defaultCertificate].filter(c => c).map(c => c!.version));
    for (const version of this.contexts.keys()) if (!live.has(version)) this.contexts.delete(version);
    const def = this.table.defaultCertificate;
    if (this.https && def?.version !== this.defaultCertVersion) {
      this.https.setSecureContext(def ? { cert: def.cert, key: def.key } : { cert: this.fallback!.cert, key: this.fallback!.key });
      this.defaultCertVersion = def?.version;
    }
  }

  /** The TLS context for a certificate; undefined lets the server use its default one. */
  private contextFor(cert: TlsCertificate | undefined): SecureContext | undefined {
    if (!cert) return undefined;
    let ctx = this.contexts.get(cert.version);
    if (!ctx) this.contexts.set(cert.version, (ctx = createSecureContext({ cert: cert.cert, key: cert.key })));
    return ctx;
  }

  private syncStatusSoon(delay = REBUILD_DELAY_MS): void {
    if (this.statusTimer || this.stopped || !this.ingresses.hasSynced) return;
    this.statusTimer = setTimeout(() => {
      this.statusTimer = undefined;
      void this.syncStatus();
    }, delay);
  }

  /** Writes status.loadBalancer of each of our Ingresses whose stored value is not the wanted one. */
  private async syncStatus(): Promise<void> {
    if (this.statusRunning) {
      this.statusAgain = true;
      return;
    }
    this.statusRunning = true;
    try {
      const want = loadBalancerIngress(this.o.nodes.list());
      const ours = ourClassNames(this.classes.list());
      for (const ing of this.ingresses.list()) {
        if (this.stopped || !isOurs(ing, ours) || ing.metadata.deletionTimestamp || !statusOutdated(ing, want)) continue;
        await this.o.client.patch(objectPath(R.ingresses, ing.metadata.namespace, ing.metadata.name!, 'status'),
          { status: { loadBalancer: { ingress: want.length ? want : null } } }, 'merge');
      }
    } catch (err) {
      // Deleted meanwhile or a conflict with the API: the next change, or this retry, settles it.
      this.o.log('ingress status not written; retrying', { error: (err as Error).message });
      this.syncStatusSoon(STATUS_RETRY_MS);
    } finally {
      this.statusRunning = false;
      if (this.statusAgain) {
        this.statusAgain = false;
        this.syncStatusSoon();
      }
    }
  }
}
