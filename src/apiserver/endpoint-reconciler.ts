// The `kubernetes` Service's endpoints list every live API server, as kube-apiserver's lease
// endpoint reconciler keeps them: each server holds a Lease (kube-system/apiserver-<hash>, labelled
// apiserver.kubernetes.io/identity=kube-apiserver, its address in an annotation) renewed every
// third of its duration; every server writes the addresses of the unexpired Leases into the
// default/kubernetes Endpoints and EndpointSlices, and deletes expired Leases, so a server that died
// drops out within one Lease duration. A server that stops cleanly removes itself at once.
// Servers on different ports (tests on one machine) get one Endpoints subset and one EndpointSlice
// per port, since a subset or slice has one port list.
import { createHash } from 'node:crypto';
import { AlreadyExistsError, NotFoundError } from '../api/errors.js';
import type { KubeObject } from '../api/object.js';
import { FieldSelector } from '../api/selectors/field-selector.js';
import { LabelSelector } from '../api/selectors/label-selector.js';
import { microTime } from '../client/node-lease.js';
import { joinHostPort } from '../util/host-port.js';
import { systemContext } from './context.js';
import type { Registry } from './registry/registry.js';

export const IDENTITY_LABEL = 'apiserver.kubernetes.io/identity';
export const ENDPOINT_ANNOTATION = 'k8ts.io/apiserver-endpoint';
const SLICE_MANAGER = 'k8ts-apiserver';
const NAMESPACE = 'kube-system';

export interface ApiServerEndpoint {
  ip: string;
  port: number;
}

export interface EndpointReconcilerOptions extends ApiServerEndpoint {
  leaseSeconds?: number;
  log: (msg: string, fields?: Record<string, unknown>) => void;
}

export class EndpointReconciler {
  private timer?: NodeJS.Timeout;
  private readonly leaseName: string;
  private readonly leaseSeconds: number;

  constructor(private readonly registry: Registry, private readonly o: EndpointReconcilerOptions) {
    this.leaseName = `apiserver-${createHash('sha256').update(joinHostPort(o.ip, o.port)).digest('hex').slice(0, 16)}`;
    this.leaseSeconds = o.leaseSeconds ?? 15;
  }

  /** Renews this server's Lease and writes the endpoints once, then keeps doing so. */
  async start(): Promise<void> {
    await this.tick();
    this.timer = setInterval(() => void this.tick().catch(err => this.o.log('apiserver endpoint reconcile failed', { error: (err as Error).message })), this.leaseSeconds * 1000 / 3);
    this.timer.unref();
  }

  /** Stops renewing and takes this server out of the endpoints. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    await ignoreMissing(this.registry.get('coordination.k8s.io', 'leases').delete(systemContext(), NAMESPACE, this.leaseName));
    await this.reconcile();
  }

  private async tick(): Promise<void> {
    await this.renew();
    await this.reconcile();
  }

  private async renew(): Promise<void> {
    const leases = this.registry.get('coordination.k8s.io', 'leases');
    await leases.patch(systemContext(), NAMESPACE, this.leaseName, live => ({
      apiVersion: 'coordination.k8s.io/v1', kind: 'Lease',
      ...live,
      metadata: {
        ...(live?.metadata ?? { name: this.leaseName, namespace: NAMESPACE }),
        labels: { ...live?.metadata.labels, [IDENTITY_LABEL]: 'kube-apiserver' },
        annotations: { ...live?.metadata.annotations, [ENDPOINT_ANNOTATION]: joinHostPort(this.o.ip, this.o.port) },
      },
      spec: { holderIdentity: this.leaseName, leaseDurationSeconds: this.leaseSeconds, renewTime: microTime() },
    }) as KubeObject);
  }

  /** The addresses of the live Leases into the Endpoints and EndpointSlices; expired Leases deleted. */
  private async reconcile(): Promise<void> {
    const leases = this.registry.get('coordination.k8s.io', 'leases');
    const { items } = await leases.list(NAMESPACE, { labelSelector: LabelSelector.parse(`${IDENTITY_LABEL}=kube-apiserver`), fieldSelector: FieldSelector.everything() });
    const live: ApiServerEndpoint[] = [];
    for (const { object } of items) {
      const spec = object.spec as { renewTime?: string; leaseDurationSeconds?: number };
      const endpoint = parseEndpoint(object.metadata.annotations?.[ENDPOINT_ANNOTATION]);
      const expires = Date.parse(spec.renewTime ?? '') + (spec.leaseDurationSeconds ?? this.leaseSeconds) * 1000;
      if (endpoint && expires > Date.now()) live.push(endpoint);
      else await ignoreMissing(leases.delete(systemContext(), NAMESPACE, object.metadata.name!));
    }
    await this.writeEndpoints(groupByPort(live));
  }

  private async writeEndpoints(groups: Map<number, string[]>): Promise<void> {
    const ctx = systemContext();
    const subsets = [...groups].map(([port, ips]) => ({ addresses: ips.map(ip => ({ ip })), ports: [{ name: 'https', port, protocol: 'TCP' }] }));
    await this.registry.get('', 'endpoints').patch(ctx, 'default', 'kubernetes', live => {
      const base = live ?? { apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'kubernetes', namespace: 'default', labels: { 'endpointslice.kubernetes.io/skip-mirror': 'true' } } };
      return subsets.length ? { ...base, subsets } as KubeObject : { ...base, subsets: undefined } as KubeObject;
    });
    const slices = this.registry.get('discovery.k8s.io', 'endpointslices');
    const wanted = new Map([...groups].map(([port, ips], i) => [i === 0 ? 'kubernetes' : `kubernetes-${port}`, { port, ips }]));
    for (const [name, { port, ips }] of wanted) {
      await slices.patch(ctx, 'default', name, live => ({
        apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice',
        ...live,
        metadata: { ...(live?.metadata ?? { name, namespace: 'default' }), labels: { 'kubernetes.io/service-name': 'kubernetes', 'endpointslice.kubernetes.io/managed-by': SLICE_MANAGER } },
        addressType: 'IPv4',
        endpoints: ips.map(ip => ({ addresses: [ip], conditions: { ready: true } })),
        ports: [{ name: 'https', port, protocol: 'TCP' }],
      }) as KubeObject);
    }
    const { items } = await slices.list('default', { labelSelector: LabelSelector.parse(`endpointslice.kubernetes.io/managed-by=${SLICE_MANAGER},kubernetes.io/service-name=kubernetes`), fieldSelector: FieldSelector.everything() });
    for (const { object } of items) {
      if (!wanted.has(object.metadata.name!)) await ignoreMissing(slices.delete(ctx, 'default', object.metadata.name!));
    }
  }
}

/** `ip:port` (IPv6 in brackets) → its parts. */
function parseEndpoint(text: string | undefined): ApiServerEndpoint | undefined {
  const m = text?.match(/^\[?([^\]]+?)\]?:(\d+)$/);
  return m ? { ip: m[1]!, port: Number(m[2]) } : undefined;
}

function groupByPort(endpoints: ApiServerEndpoint[]): Map<number, string[]> {
  const groups = new Map<number, string[]>();
  for (const { ip, port } of [...endpoints].sort((a, b) => a.port - b.port || a.ip.localeCompare(b.ip))) {
    const ips = groups.get(port) ?? [];
    if (!ips.includes(ip)) ips.push(ip);
    groups.set(port, ips);
  }
  return groups;
}

async function ignoreMissing(p: Promise<unknown>): Promise<void> {
  try {
    await p;
  } catch (err) {
    if (!(err instanceof NotFoundError) && !(err instanceof AlreadyExistsError)) throw err;
  }
}
