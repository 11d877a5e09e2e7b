// The network policy enforcer of one node: watches NetworkPolicies, Pods and Namespaces, and after
// each change (no more often than the minimum interval) recomputes the whole plan and applies what
// differs — changed ipsets, then the chains in one iptables-restore batch, then removal of sets no
// longer used. A periodic full resync repairs rules someone else changed (e.g. a jump pushed down
// FORWARD). Policies whose rules the kernel refuses are enforced isolation-only (refusals.ts), so
// they never hold back the others. Failures are logged and retried; they never stop the agent.
import { readFileSync, writeFileSync } from 'node:fs';
import { Informer } from '../client/informer.js';
import { HandlerRegistrations, type SharedInformers } from '../client/shared-informers.js';
import type { RestClient } from '../client/rest-client.js';
import { collectionPath, R, ref } from '../client/resources.js';
import type { Logger } from '../util/log.js';
import { destroySets, listSets, NetfilterCommandError, readFilterTable, restoreFilter, restoreSets } from './exec.js';
import { planNetworkPolicies, type IpSetSpec } from './planner.js';
import { findRefusedPolicies, isolationOnly } from './refusals.js';
import { needsRepair, renderFilterRestore, renderIpsetRestore, staleSets } from './render.js';
import type { NamespaceObject, NetworkPolicyObject, PodObject } from './types.js';

export interface EnforcerOptions {
  client: RestClient;
  /** The agent's informers, shared by its components: each resource is listed, watched and cached once per node. */
  informers: SharedInformers;
  nodeName: string;
  log: Logger;
  /** Changes arriving faster are applied together (upstream kube-proxy's --iptables-min-sync-period). */
  minSyncIntervalMs?: number;
  /** A full reapply however little changed. */
  resyncIntervalMs?: number;
  /** How often to check that our hooks are still first and our chains still there. */
  repairCheckIntervalMs?: number;
  /** Retry delay after a failed apply. */
  retryDelayMs?: number;
}

const BRIDGE_NF_CALL_IPTABLES = '/proc/sys/net/bridge/bridge-nf-call-iptables';
const NETWORK_POLICIES = ref('networking.k8s.io/v1', 'networkpolicies');

export class NetworkPolicyEnforcer {
  private readonly policies: Informer<NetworkPolicyObject>;
  private readonly pods: Informer<PodObject>;
  private readonly namespaces: Informer<NamespaceObject>;
  private readonly handlers = new HandlerRegistrations();
  /** What each set of ours holds, and our chains' rules, as last applied (empty: unknown). */
  private appliedSets = new Map<string, string>();
  private appliedRules?: string;
  private appliedChains: string[] = [];
  private reportedProblems = '';
  /** Policies whose rules the kernel refused, by key, at the resourceVersion refused. */
  private refused = new Map<string, string>();
  private lastSyncAt = 0;
  private timer?: NodeJS.Timeout;
  private resyncTimer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private again = false;
  private forceNext = true;
  private stopped = false;

  constructor(private readonly o: EnforcerOptions) {
    this.policies = o.informers.get<NetworkPolicyObject>(NETWORK_POLICIES);
    this.pods = new Informer<PodObject>(o.client, collectionPath(R.pods), { transform: o => slimPod(o as PodObject) });
    this.namespaces = o.informers.get<NamespaceObject>(R.namespaces);
  }

  /** Starts watching and applies the first plan (taking over rules a previous run left). */
  async start(): Promise<void> {
    this.ensureBridgedTrafficFiltered();
    const kick = () => this.schedule();
    this.handlers.add(this.policies, { add: kick, update: kick, delete: kick });
    this.handlers.add(this.namespaces, { add: kick, update: kick, delete: kick });
    // Most pod updates (conditions, container states) change nothing a policy looks at.
    this.pods.on({ add: kick, update: (a, b) => policyFacts(a) !== policyFacts(b) && kick(), delete: kick });
    this.pods.start();
    await Promise.all([this.policies.waitForSync(), this.pods.waitForSync(), this.namespaces.waitForSync()]);
    await this.sync(true);
    let lastFull = Date.now();
    this.resyncTimer = setInterval(() => {
      if (Date.now() - lastFull >= (this.o.resyncIntervalMs ?? 60_000)) {
        lastFull = Date.now();
        this.forceNext = true;
        this.schedule();
      } else {
        void this.repairIfMoved();
      }
    }, this.o.repairCheckIntervalMs ?? 5_000);
    this.resyncTimer.unref();
  }

  /**
   * kube-proxy puts its own jumps at the top of FORWARD when it starts, and some of its rules there
   * accept traffic: our hook must be back on top well before the next full resync.
   */
  private async repairIfMoved(): Promise<void> {
    if (this.running || !this.appliedChains.length) return;
    try {
      if (needsRepair(await readFilterTable(), this.appliedChains)) {
        this.o.log('network policy hooks or chains were moved or removed; restoring them');
        this.forceNext = true;
        this.schedule();
      }
    } catch (err) {
      this.o.log('cannot read the filter table', { error: (err as Error).message });
    }
  }

  /**
   * Pods of one node talk across the cni0 bridge; only with br_netfilter's switch on do those frames
   * meet the FORWARD chain (it is on by default; k3s and kube-router set it as well).
   */
  private ensureBridgedTrafficFiltered(): void {
    try {
      if (readFileSync(BRIDGE_NF_CALL_IPTABLES, 'utf8').trim() !== '1') writeFileSync(BRIDGE_NF_CALL_IPTABLES, '1\n');
    } catch (err) {
      this.o.log('cannot make bridged pod traffic pass iptables; policies between pods of this node are not enforced', { error: (err as Error).message });
    }
  }

  /** Stops watching; the rules stay, so pods remain isolated until the next start takes over. */
  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    clearInterval(this.resyncTimer);
    this.handlers.removeAll();
    this.pods.stop();
  }

  private schedule(delayMs?: number): void {
    if (this.timer || this.stopped) return;
    const wait = delayMs ?? Math.max(0, this.lastSyncAt + (this.o.minSyncIntervalMs ?? 500) - Date.now());
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.sync(false);
    }, wait);
  }

  private sync(force: boolean): Promise<void> {
    if (this.running) {
      this.again = true;
      this.forceNext ||= force;
      return this.running;
    }
    const forced = force || this.forceNext;
    this.forceNext = false;
    this.running = this.apply(forced)
      .catch(err => {
        this.o.log('network policy rules not applied; retrying', { error: (err as Error).message ?? String(err) });
        this.appliedSets.clear();
        this.appliedRules = undefined;
        this.appliedChains = [];
        this.again = false;
        this.schedule(this.o.retryDelayMs ?? 5_000);
      })
      .finally(() => {
        this.running = undefined;
        this.lastSyncAt = Date.now();
        if (this.again) {
          this.again = false;
          this.schedule();
        }
      });
    return this.running;
  }

  private async apply(force: boolean): Promise<void> {
    if (this.stopped) return;
    const all = this.policies.list();
    const policies = all.map(p => (this.refused.get(keyOf(p)) === p.metadata.resourceVersion ? isolationOnly(p) : p));
    try {
      await this.applyPolicies(policies, force);
    } catch (err) {
      if (!(err instanceof NetfilterCommandError)) throw err;
      this.o.log('network policy rules refused; looking for the policies the kernel refuses', { error: err.message });
      const refused = await findRefusedPolicies(all, ps => this.applyPolicies(ps, true));
      this.refused = new Map(refused.map(p => [keyOf(p), p.metadata.resourceVersion ?? '']));
      if (refused.length) this.o.log('network policies refused by the kernel: their pods are isolated with nothing allowed', { policies: refused.map(keyOf) });
    }
  }

  private async applyPolicies(policies: NetworkPolicyObject[], force: boolean): Promise<void> {
    const plan = planNetworkPolicies({ nodeName: this.o.nodeName, policies, pods: this.pods.list(), namespaces: this.namespaces.list() });
    const problems = plan.problems.join('\n');
    if (problems !== this.reportedProblems && plan.problems.length) this.o.log('network policies partly not enforced', { problems: plan.problems });
    this.reportedProblems = problems;
    const rules = JSON.stringify([...plan.chains]);
    const changedSets = force ? plan.sets : plan.sets.filter(s => this.appliedSets.get(s.name) !== contents(s));
    if (!changedSets.length && rules === this.appliedRules) return;
    // Sets first: the new rules may name them. Then the rules, then the sets they stopped naming.
    // Every set but the two isolation sets is named by some rule, so with the same rules (pods
    // coming and going) refilling the sets is all there is to do.
    await restoreSets(renderIpsetRestore(changedSets));
    for (const s of changedSets) this.appliedSets.set(s.name, contents(s));
    if (force || rules !== this.appliedRules) {
      await restoreFilter(renderFilterRestore(plan, await readFilterTable()));
      this.appliedRules = rules;
      this.appliedChains = [...plan.chains.keys()];
      const stale = staleSets(await listSets(), plan);
      for (const name of stale) this.appliedSets.delete(name);
      const failed = await destroySets(stale);
      if (failed.length) this.o.log('unused network policy ipsets not removed', { errors: failed });
    }
    this.o.log('network policy rules applied', { policies: policies.length, chains: plan.chains.size, sets: plan.sets.length, changedSets: changedSets.length });
  }
}

/**
 * Every pod of the cluster is a possible peer, so the cache keeps only what policies look at: labels,
 * node, addresses, phase and container ports (a large cluster's full pods would cost the agent dearly).
 */
function slimPod(pod: PodObject): PodObject {
  const { name, namespace, labels, resourceVersion, uid } = pod.metadata;
  const ports = (cs: { name: string; ports?: unknown[] }[] = []) => cs.filter(c => c.ports?.length).map(c => ({ name: c.name, ports: c.ports }));
  return {
    apiVersion: pod.apiVersion, kind: pod.kind,
    metadata: { name, namespace, labels, resourceVersion, uid },
    spec: { nodeName: pod.spec?.nodeName, hostNetwork: pod.spec?.hostNetwork, containers: ports(pod.spec?.containers), initContainers: ports(pod.spec?.initContainers) },
    status: { phase: pod.status?.phase, podIP: pod.status?.podIP, podIPs: pod.status?.podIPs },
  } as PodObject;
}

const policyFacts = (p: PodObject) => JSON.stringify([p.metadata.labels, p.spec, p.status]);

const contents = (s: IpSetSpec) => s.entries.join(',');
const keyOf = (p: NetworkPolicyObject) => `${p.metadata.namespace}/${p.metadata.name}`;
