// The nftables executor: applies a transaction with `nft -f -`, reads which chains and sets the
// proxy's table holds, and deletes the table, in this process's network namespace or the one at
// `netns`. Nothing here decides what the rules should be.
import { CommandStartError, runCommand } from '../../util/command.js';
import type { PresentTable } from './transaction.js';
import { TABLE } from './ruleset.js';

export class NftError extends Error {}

async function nft(args: string[], netns?: string, input?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return runCommand('nft', args, { input, netns }).catch(err => { throw new NftError((err as Error).message); });
}

/** Applies one transaction: all of it or, on any error, none of it. */
export async function nftApply(script: string, netns?: string): Promise<void> {
  if (!script) return;
  const r = await nft(['-f', '-'], netns, script);
  if (r.code !== 0) throw new NftError(`nft -f failed (${r.code}): ${r.stderr.trim().split('\n').slice(0, 6).join(' | ')}`);
}

type Listing = { nftables: Record<string, { table?: string; name?: string }>[] };

async function list(what: 'tables' | 'chains' | 'sets', netns?: string): Promise<Listing['nftables']> {
  const r = await nft(['-j', 'list', what, 'ip'], netns);
  if (r.code !== 0) throw new NftError(`nft list ${what} failed (${r.code}): ${r.stderr.trim()}`);
  return (JSON.parse(r.stdout) as Listing).nftables;
}

/** The chains and sets of the proxy's table; undefined when there is no such table. */
export async function nftPresent(netns?: string): Promise<PresentTable | undefined> {
  if (!(await list('tables', netns)).some(o => o.table?.name === TABLE)) return undefined;
  const ours = (entries: Listing['nftables'], kind: 'chain' | 'set') =>
    new Set(entries.map(o => o[kind]).filter(o => o?.table === TABLE).map(o => o!.name!));
  return { chains: ours(await list('chains', netns), 'chain'), sets: ours(await list('sets', netns), 'set') };
}

/**
 * Deletes the proxy's table (node teardown, or switching to the iptables mode); true if there was
 * one. Without the nft tool there is nothing of ours to delete: only the nftables mode needs it.
 */
export async function nftDeleteTable(netns?: string): Promise<boolean> {
  const r = await runCommand('nft', ['delete', 'table', 'ip', TABLE], { netns }).catch(err => {
    if (err instanceof CommandStartError && /ENOENT/.test(err.message)) return undefined;
    throw new NftError((err as Error).message);
  });
  if (!r) return false;
  if (r.code === 0) return true;
  if (/No such file or directory/.test(r.stderr)) return false;
  throw new NftError(`nft delete table ip ${TABLE} failed (${r.code}): ${r.stderr.trim()}`);
}
