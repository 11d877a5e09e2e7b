// Removes everything the network policy enforcer creates in this network namespace: the jumps from
// built-in chains, our chains, our ipsets. For node teardown (`k8ts killall`); a stopped agent
// leaves its rules in place, so pods stay isolated until the next start takes them over.
import { destroySets, listSets, NetfilterCommandError, readFilterTable, restoreFilter } from './exec.js';
import { PREFIX } from './names.js';

/** Returns what it removed ("chain X", "ipset Y"). */
export async function cleanupNetworkPolicyRules(): Promise<string[]> {
  const table = await readFilterTable();
  const ours = [...table.chains].filter(c => c.startsWith(PREFIX)).sort();
  if (ours.length) {
    const lines = ['*filter', ...ours.map(c => `:${c} - [0:0]`)];
    for (const [chain, rules] of table.rules) {
      if (ours.includes(chain)) continue;
      for (const spec of rules) if (ours.some(c => new RegExp(`(^| )-j ${c}( |$)`).test(spec))) lines.push(`-D ${chain} ${spec}`);
    }
    lines.push(...ours.map(c => `-X ${c}`), 'COMMIT', '');
    await restoreFilter(lines.join('\n'));
  }
  const sets = (await listSets()).filter(s => s.startsWith(PREFIX));
  const failed = await destroySets(sets);
  if (failed.length) throw new NetfilterCommandError(`network policy ipsets left: ${failed.join('; ')}`);
  return [...ours.map(c => `chain ${c}`), ...sets.map(s => `ipset ${s}`)];
}
