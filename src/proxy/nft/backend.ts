// The nftables data plane: the table of ruleset.ts, changed by one `nft -f` transaction per sync
// (transaction.ts decides what to write). A failed transaction changes nothing, but the next sync
// is full anyway so that anything changed behind our back is taken over too.
//
// A full sync rewrites every chain and refills every map and set. It reads back what the table
// holds only when this process does not know (the first sync, or after a failure): `nft list`
// fetches the whole ruleset, which at 1,000 Services costs as much as writing it.
import type { BackendSyncResult, ProxyBackend } from '../backend.js';
import { cleanupProxyRules } from '../iptables.js';
import { PortRulesCache } from '../port-rules-cache.js';
import type { ServicePortInfo } from '../service-ports.js';
import type { NodeFacts } from '../types.js';
import { nftApply, nftPresent } from './nft.js';
import { assembleNftRules, serviceNftRules, type NftRuleSet } from './ruleset.js';
import { nftPlan } from './transaction.js';

export class NftablesBackend implements ProxyBackend {
  readonly mode = 'nftables';
  private applied?: NftRuleSet;
  private readonly cache = new PortRulesCache(serviceNftRules);

  constructor(private readonly netns?: string) {}

  async sync(ports: ServicePortInfo[], node: NodeFacts, full: boolean): Promise<BackendSyncResult> {
    const rules = assembleNftRules(this.cache.rulesOf(ports, node), ports, node);
    const present = !full ? undefined
      : this.applied ? { chains: new Set(this.applied.chains.keys()), sets: new Set(this.applied.affinitySets.keys()) }
      : await nftPresent(this.netns);
    const plan = nftPlan(rules, full ? undefined : this.applied, present);
    try {
      await nftApply(plan.script, this.netns);
    } catch (err) {
      this.applied = undefined;
      throw err;
    }
    this.applied = rules;
    return { chainsWritten: plan.chainsWritten, chainsDeleted: plan.chainsDeleted, healthChecks: rules.healthChecks };
  }

  async removeOtherModes(): Promise<string[]> {
    return cleanupProxyRules(this.netns);
  }
}
