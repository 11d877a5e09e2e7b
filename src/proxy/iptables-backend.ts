// The iptables data plane: the rules of rules.ts, written by iptables-restore (only the chains that
// changed since the last sync; a full sync reads back the kernel's chains and takes them over).
import type { BackendSyncResult, ProxyBackend } from './backend.js';
import { ensureJumpRules, iptablesRestore, listChains } from './iptables.js';
import { nftDeleteTable } from './nft/nft.js';
import { TABLE } from './nft/ruleset.js';
import { PortRulesCache } from './port-rules-cache.js';
import { restorePlan } from './restore-text.js';
import { assembleRules, serviceRules, type RuleSet, type TableRules } from './rules.js';
import type { ServicePortInfo } from './service-ports.js';
import type { NodeFacts } from './types.js';

export class IptablesBackend implements ProxyBackend {
  readonly mode = 'iptables';
  private applied?: RuleSet;
  private readonly cache = new PortRulesCache(serviceRules);

  constructor(private readonly netns?: string) {}

  async sync(ports: ServicePortInfo[], node: NodeFacts, full: boolean): Promise<BackendSyncResult> {
    const rules = assembleRules(this.cache.rulesOf(ports, node), node);
    const present = full ? { nat: await listChains('nat', this.netns), filter: await listChains('filter', this.netns) } : undefined;
    const plan = restorePlan(rules, full ? undefined : this.applied, present);
    try {
      for (const text of plan.batches) await iptablesRestore(text, this.netns);
    } catch (err) {
      // What the kernel holds is unknown now: the retry rewrites everything.
      this.applied = undefined;
      throw err;
    }
    if (full) await ensureJumpRules(this.netns);
    this.applied = rules;
    return {
      chainsWritten: plan.written.nat.length + plan.written.filter.length,
      chainsDeleted: plan.deleted.nat.length + plan.deleted.filter.length,
      healthChecks: rules.healthChecks,
      iptablesRules: { nat: ruleCount(rules.nat), filter: ruleCount(rules.filter) },
    };
  }

  async removeOtherModes(): Promise<string[]> {
    return (await nftDeleteTable(this.netns)) ? [`nftables table ip ${TABLE}`] : [];
  }
}

function ruleCount(table: TableRules): number {
  let n = 0;
  for (const rules of table.values()) n += rules.length;
  return n;
}
