// A container's environment as upstream's kubelet builds it: envFrom sources first (with prefix;
// invalid names skipped and reported), then `env` in order with `$(VAR)` expansion against what is
// defined so far and the service variables, then the service variables themselves (docker-links
// style), so in-cluster clients find the API server through KUBERNETES_SERVICE_HOST/PORT.
import type { Container, Service } from '../api/types/generated.js';
import { fieldValue, resourceValue, type NodeFacts } from './downward-api.js';
import { expand } from './expand.js';
import type { ObjectSource } from './object-source.js';
import type { PodObject } from './types.js';

/** Reported as the container's waiting reason CreateContainerConfigError, as upstream. */
export class ContainerConfigError extends Error {}

export interface EnvVarPair { name: string; value: string }

export interface EnvResult {
  env: EnvVarPair[];
  /** Messages for the InvalidEnvironmentVariableNames warning event. */
  warnings: string[];
}

const ENV_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;

export interface EnvContext {
  pod: PodObject;
  container: Container;
  node: NodeFacts;
  podIPs: string[];
  objects: ObjectSource;
  /** Services whose variables the container sees (the pod's namespace and `default/kubernetes`). */
  services: Service[];
}

export async function containerEnv(ctx: EnvContext): Promise<EnvResult> {
  const { pod, container, objects } = ctx;
  const ns = pod.metadata.namespace ?? 'default';
  const vars = new Map<string, string>();
  const warnings: string[] = [];

  for (const from of container.envFrom ?? []) {
    const prefix = from.prefix ?? '';
    const ref = from.configMapRef ?? from.secretRef;
    if (!ref) continue;
    const kind = from.configMapRef ? 'configMap' : 'secret';
    const data = from.configMapRef
      ? (await objects.configMap(ns, ref.name ?? ''))?.data
      : decodeAll((await objects.secret(ns, ref.name ?? ''))?.data);
    if (!data) {
      if (ref.optional) continue;
      throw new ContainerConfigError(`${kind === 'configMap' ? 'configmap' : 'secret'} "${ref.name}" not found`);
    }
    const invalid: string[] = [];
    for (const [k, v] of Object.entries(data)) {
      const name = prefix + k;
      if (ENV_NAME.test(name)) vars.set(name, v);
      else invalid.push(name);
    }
    if (invalid.length) {
      warnings.push(`Keys [${invalid.sort().join(', ')}] from the EnvFrom ${kind} ${ns}/${ref.name} were skipped since they are considered invalid environment variable names.`);
    }
  }

  const serviceVars = serviceEnv(ctx.services, pod.spec.enableServiceLinks !== false, ns);
  const lookup = (name: string) => vars.get(name) ?? serviceVars.get(name);
  for (const e of container.env ?? []) {
    let value: string | undefined;
    if (e.value !== undefined && e.value !== '') value = expand(e.value, lookup);
    else if (e.valueFrom) value = await valueFrom(ctx, e.valueFrom, ns);
    else value = '';
    if (value !== undefined) vars.set(e.name, value);
  }
  for (const [k, v] of serviceVars) if (!vars.has(k)) vars.set(k, v);
  return { env: [...vars].map(([name, value]) => ({ name, value })), warnings };
}

async function valueFrom(ctx: EnvContext, src: NonNullable<Container['env']>[number]['valueFrom'] & object, ns: string): Promise<string | undefined> {
  if (src.fieldRef) return fieldValue(ctx.pod, src.fieldRef, ctx.node, ctx.podIPs);
  if (src.resourceFieldRef) return resourceValue(ctx.pod, ctx.container, src.resourceFieldRef, ctx.node);
  if (src.configMapKeyRef) {
    const ref = src.configMapKeyRef;
    const cm = await ctx.objects.configMap(ns, ref.name ?? '');
    if (!cm) return optional(ref.optional, `configmap "${ref.name}" not found`);
    const v = cm.data?.[ref.key];
    return v === undefined ? optional(ref.optional, `couldn't find key ${ref.key} in ConfigMap ${ns}/${ref.name}`) : v;
  }
  if (src.secretKeyRef) {
    const ref = src.secretKeyRef;
    const secret = await ctx.objects.secret(ns, ref.name ?? '');
    if (!secret) return optional(ref.optional, `secret "${ref.name}" not found`);
    const v = secret.data?.[ref.key];
    return v === undefined ? optional(ref.optional, `couldn't find key ${ref.key} in Secret ${ns}/${ref.name}`) : Buffer.from(v, 'base64').toString('utf8');
  }
  return '';
}

function optional(isOptional: boolean | undefined, message: string): undefined {
  if (isOptional) return undefined;
  throw new ContainerConfigError(message);
}

function decodeAll(data: Record<string, string> | undefined): Record<string, string> | undefined {
  if (!data) return undefined;
  return Object.fromEntries(Object.entries(data).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8')]));
}

/**
 * Docker-links variables for services with a cluster IP: the pod's namespace when service links are
 * enabled, and always `kubernetes` in `default` (upstream's master service rule).
 */
export function serviceEnv(services: Service[], links: boolean, namespace: string): Map<string, string> {
  const out = new Map<string, string>();
  const sorted = [...services].sort((a, b) => (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? ''));
  for (const svc of sorted) {
    const ip = svc.spec?.clusterIP;
    if (!ip || ip === 'None') continue;
    const isMaster = svc.metadata?.namespace === 'default' && svc.metadata?.name === 'kubernetes';
    if (!isMaster && !(links && svc.metadata?.namespace === namespace)) continue;
    const prefix = (svc.metadata?.name ?? '').toUpperCase().replace(/-/g, '_');
    const ports = svc.spec?.ports ?? [];
    if (!ports.length) continue;
    out.set(`${prefix}_SERVICE_HOST`, ip);
    out.set(`${prefix}_SERVICE_PORT`, String(ports[0].port));
    for (const p of ports) if (p.name) out.set(`${prefix}_SERVICE_PORT_${p.name.toUpperCase().replace(/-/g, '_')}`, String(p.port));
    const proto0 = (ports[0].protocol ?? 'TCP').toLowerCase();
    out.set(`${prefix}_PORT`, `${proto0}://${ip}:${ports[0].port}`);
    for (const p of ports) {
      const proto = p.protocol ?? 'TCP';
      const base = `${prefix}_PORT_${p.port}_${proto.toUpperCase()}`;
      out.set(base, `${proto.toLowerCase()}://${ip}:${p.port}`);
      out.set(`${base}_PROTO`, proto.toLowerCase());
      out.set(`${base}_PORT`, String(p.port));
      out.set(`${base}_ADDR`, ip);
    }
  }
  return out;
}

/** Command and args with `$(VAR)` references to the final environment expanded. */
export function expandCommand(container: Container, env: EnvVarPair[]): { command: string[]; args: string[] } {
  const map = new Map(env.map(e => [e.name, e.value]));
  const lookup = (n: string) => map.get(n);
  return {
    command: (container.command ?? []).map(s => expand(s, lookup)),
    args: (container.args ?? []).map(s => expand(s, lookup)),
  };
}
