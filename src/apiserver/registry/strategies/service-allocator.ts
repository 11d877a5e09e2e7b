// Cluster IPs and node ports for Services. What is allocated is derived from the Services that
// exist (so a delete releases without bookkeeping), plus short-lived reservations for creates still
// in flight so two concurrent creates never get the same address or port.
import { fieldErrors, type FieldError } from '../../../api/errors.js';
import type { KubeObject } from '../../../api/object.js';
import { cidrContains, intToIp, ipToInt, type Cidr } from '../../../api/cidr.js';

export interface PortRange { min: number; max: number }

interface ServicePort { name?: string; port?: number; protocol?: string; nodePort?: number }
interface ServiceSpec { type?: string; clusterIP?: string; clusterIPs?: string[]; ports?: ServicePort[]; externalTrafficPolicy?: string; healthCheckNodePort?: number }

/** Upstream gives a LoadBalancer with externalTrafficPolicy Local a node port for health checks. */
const needsHealthCheckPort = (spec: ServiceSpec) => spec.type === 'LoadBalancer' && spec.externalTrafficPolicy === 'Local';

const RESERVATION_MS = 30_000;

export class ServiceAllocator {
  private readonly pendingIPs = new Map<string, number>();
  private readonly pendingPorts = new Map<number, number>();

  constructor(
    readonly cidr: Cidr,
    readonly nodePorts: PortRange,
    private readonly services: () => KubeObject[],
  ) {}

  /** Fills in spec.clusterIP(s) and node ports of a new Service; returns allocation errors. */
  allocateForCreate(svc: KubeObject): FieldError[] {
    const spec = (svc.spec ??= {}) as ServiceSpec;
    const errors: FieldError[] = [];
    const type = spec.type ?? 'ClusterIP';
    if (type !== 'ExternalName' && spec.clusterIP !== 'None') {
      const err = this.assignClusterIP(spec);
      if (err) errors.push(err);
    }
    if (type === 'NodePort' || type === 'LoadBalancer') errors.push(...this.assignNodePorts(spec, []));
    if (needsHealthCheckPort(spec)) errors.push(...this.assignHealthCheckPort(spec, undefined));
    return errors;
  }

  /** Keeps what an update left out (clusterIP, node ports) and allocates what a type change needs. */
  allocateForUpdate(svc: KubeObject, old: KubeObject): FieldError[] {
    const spec = (svc.spec ??= {}) as ServiceSpec;
    const oldSpec = (old.spec ?? {}) as ServiceSpec;
    const type = spec.type ?? 'ClusterIP';
    const errors: FieldError[] = [];
    if (type === 'ExternalName') {
      delete spec.clusterIP;
      delete spec.clusterIPs;
    } else if (!spec.clusterIP) {
      if (oldSpec.clusterIP) {
        spec.clusterIP = oldSpec.clusterIP;
        spec.clusterIPs = oldSpec.clusterIPs ?? [oldSpec.clusterIP];
      } else {
        const err = this.assignClusterIP(spec);
        if (err) errors.push(err);
      }
    }
    if (type === 'NodePort' || type === 'LoadBalancer') {
      const own = (oldSpec.ports ?? []).map(p => p.nodePort).filter((n): n is number => !!n);
      for (const p of spec.ports ?? []) {
        if (p.nodePort) continue;
        const prev = oldSpec.ports?.find(o => o.port === p.port && (o.protocol ?? 'TCP') === (p.protocol ?? 'TCP'));
        if (prev?.nodePort) p.nodePort = prev.nodePort;
      }
      errors.push(...this.assignNodePorts(spec, own));
    } else {
      for (const p of spec.ports ?? []) delete p.nodePort;
    }
    if (needsHealthCheckPort(spec)) {
      spec.healthCheckNodePort ??= oldSpec.healthCheckNodePort;
      errors.push(...this.assignHealthCheckPort(spec, oldSpec.healthCheckNodePort));
    } else {
      delete spec.healthCheckNodePort;
    }
    return errors;
  }

  private assignClusterIP(spec: ServiceSpec): FieldError | undefined {
    const used = this.usedIPs();
    if (spec.clusterIP) {
      if (!cidrContains(this.cidr, spec.clusterIP)) {
        return fieldErrors.invalid('spec.clusterIPs', [spec.clusterIP], `failed to allocate IP ${spec.clusterIP}: the provided IP (${spec.clusterIP}) is not in the valid range. The range of valid IPs is ${intToIp(this.cidr.base)}/${32 - Math.log2(this.cidr.size)}`);
      }
      if (used.has(spec.clusterIP)) {
        return fieldErrors.invalid('spec.clusterIPs', [spec.clusterIP], `failed to allocate IP ${spec.clusterIP}: provided IP is already allocated`);
      }
      this.reserveIP(spec.clusterIP);
      spec.clusterIPs = [spec.clusterIP];
      return undefined;
    }
    // Skip the network address and the first address (the `kubernetes` Service's); start at a
    // random offset so allocation cost does not grow with the number of Services.
    const usable = this.cidr.size - 2;
    const start = Math.floor(Math.random() * usable);
    for (let i = 0; i < usable; i++) {
      const ip = intToIp(this.cidr.base + 2 + ((start + i) % usable));
      if (!used.has(ip)) {
        this.reserveIP(ip);
        spec.clusterIP = ip;
        spec.clusterIPs = [ip];
        return undefined;
      }
    }
    return fieldErrors.invalid('spec.clusterIPs', [], 'failed to allocate a serviceIP: range is full');
  }

  private assignNodePorts(spec: ServiceSpec, alreadyOwned: number[], fieldOf = (i: number) => `spec.ports[${i}].nodePort`): FieldError[] {
    const used = this.usedPorts();
    for (const p of alreadyOwned) used.delete(p);
    const errors: FieldError[] = [];
    const range = this.nodePorts.max - this.nodePorts.min + 1;
    (spec.ports ?? []).forEach((p, i) => {
      if (p.nodePort) {
        if (p.nodePort < this.nodePorts.min || p.nodePort > this.nodePorts.max) {
          errors.push(fieldErrors.invalid(fieldOf(i), p.nodePort, `provided port is not in the valid range. The range of valid ports is ${this.nodePorts.min}-${this.nodePorts.max}`));
        } else if (used.has(p.nodePort) && !alreadyOwned.includes(p.nodePort)) {
          errors.push(fieldErrors.invalid(fieldOf(i), p.nodePort, 'provided port is already allocated'));
        } else {
          used.add(p.nodePort);
          this.reservePort(p.nodePort);
        }
        return;
      }
      const start = Math.floor(Math.random() * range);
      for (let k = 0; k < range; k++) {
        const port = this.nodePorts.min + ((start + k) % range);
        if (!used.has(port)) {
          p.nodePort = port;
          used.add(port);
          this.reservePort(port);
          return;
        }
      }
      errors.push(fieldErrors.invalid(fieldOf(i), 0, 'failed to allocate a nodePort: range is full'));
    });
    return errors;
  }

  private assignHealthCheckPort(spec: ServiceSpec, owned: number | undefined): FieldError[] {
    const holder: ServiceSpec = { ports: [{ nodePort: spec.healthCheckNodePort }] };
    const errors = this.assignNodePorts(holder, owned ? [owned] : [], () => 'spec.healthCheckNodePort');
    spec.healthCheckNodePort = holder.ports![0].nodePort;
    return errors;
  }

  private usedIPs(): Set<string> {
    const used = new Set<string>();
    for (const s of this.services()) {
      const spec = (s.spec ?? {}) as ServiceSpec;
      for (const ip of spec.clusterIPs ?? (spec.clusterIP ? [spec.clusterIP] : [])) if (ipToInt(ip) !== undefined) used.add(ip);
    }
    for (const [ip, until] of this.pendingIPs) if (until > Date.now()) used.add(ip); else this.pendingIPs.delete(ip);
    return used;
  }

  private usedPorts(): Set<number> {
    const used = new Set<number>();
    for (const s of this.services()) {
      const spec = (s.spec ?? {}) as ServiceSpec;
      for (const p of spec.ports ?? []) if (p.nodePort) used.add(p.nodePort);
      if (spec.healthCheckNodePort) used.add(spec.healthCheckNodePort);
    }
    for (const [port, until] of this.pendingPorts) if (until > Date.now()) used.add(port); else this.pendingPorts.delete(port);
    return used;
  }

  private reserveIP(ip: string): void {
    this.pendingIPs.set(ip, Date.now() + RESERVATION_MS);
  }

  private reservePort(port: number): void {
    this.pendingPorts.set(port, Date.now() + RESERVATION_MS);
  }
}
