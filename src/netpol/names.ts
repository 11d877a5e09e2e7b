// Names of everything the enforcer creates in the node's network namespace. One prefix for chains
// and sets, so cleanup and takeover after a restart find exactly ours; hashed names keep within the
// kernel's limits (28 characters for a chain, 31 for a set) whatever the policy is called. ipsets,
// like chains, belong to a network namespace (checked here: a set made in one namespace is not
// listed in another), so several nodes on one machine never share them.
import { createHash } from 'node:crypto';

export const PREFIX = 'KUBE-NWPLCY-';

/** Hooked from the built-in FORWARD chain: pod traffic routed or bridged through this node. */
export const FORWARD_CHAIN = `${PREFIX}FORWARD`;
/** Hooked from INPUT: pods talking to this node itself (egress only; the node's own traffic is not policed). */
export const INPUT_CHAIN = `${PREFIX}INPUT`;
export const INGRESS_CHAIN = `${PREFIX}INGRESS`;
export const EGRESS_CHAIN = `${PREFIX}EGRESS`;

/** Pods of this node isolated for ingress / egress (selected by at least one policy of that type). */
export const INGRESS_ISOLATED_SET = `${PREFIX}ISOLATED-IN`;
export const EGRESS_ISOLATED_SET = `${PREFIX}ISOLATED-OUT`;

/** Where a set's new contents are built before being swapped in, one per set type. */
export const TEMP_SETS = { 'hash:ip': `${PREFIX}TMP-IP`, 'hash:net': `${PREFIX}TMP-NET` } as const;

/** The built-in chains we hook, and the chain each one jumps to. */
export const HOOKS = [
  { from: 'FORWARD', to: FORWARD_CHAIN, comment: 'k8ts network policies' },
  { from: 'INPUT', to: INPUT_CHAIN, comment: 'k8ts network policies (pods to this node)' },
] as const;

/**
 * Packet mark bits saying "allowed by some policy" per direction (kube-proxy uses 0x4000 and 0x8000;
 * these are the bits kube-router uses for the same purpose).
 */
export const INGRESS_ALLOWED_MARK = '0x10000';
export const EGRESS_ALLOWED_MARK = '0x20000';
export const MARK_MASK = '0x30000';

/** A stable name for `what` (kube-proxy's scheme: SHA-256, base32, 16 characters). */
export function hashedName(what: string): string {
  return PREFIX + base32(createHash('sha256').update(what).digest()).slice(0, 16);
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

function base32(bytes: Buffer): string {
  let out = '';
  let bits = 0;
  let value = 0;
  for (const b of bytes) {
    value = (value << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
    value &= (1 << bits) - 1;
  }
  return out;
}
