// The node's addresses: InternalIP (--node-ip, else the first non-loopback IPv4 of this network
// namespace — nodes in tests live in their own namespace with one interface) and Hostname.
import { networkInterfaces } from 'node:os';

export interface NodeAddress {
  type: 'InternalIP' | 'Hostname';
  address: string;
}

export class NodeAddressError extends Error {}

export function firstNonLoopbackIPv4(interfaces = networkInterfaces()): string | undefined {
  for (const addrs of Object.values(interfaces)) {
    for (const a of addrs ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  }
  return undefined;
}

export function nodeAddresses(hostname: string, nodeIP = firstNonLoopbackIPv4()): NodeAddress[] {
  if (!nodeIP) throw new NodeAddressError('no non-loopback IPv4 address on this host; pass --node-ip');
  return [{ type: 'InternalIP', address: nodeIP }, { type: 'Hostname', address: hostname }];
}
