// The node's CNI network, written for containerd's CRI plugin once the node has a pod CIDR: a
// `cni0` bridge that is the pods' gateway (hairpin so a pod can reach itself through a Service),
// host-local addresses from the pod CIDR kept in the agent's own data dir (several nodes on one
// machine must not share allocation state), port mappings, and loopback. Over VXLAN the bridge and
// the pods' interfaces get the tunnel's smaller MTU, so pods never send what the tunnel cannot carry.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const CNI_NETWORK_NAME = 'k8ts';
export const CNI_BRIDGE = 'cni0';
export const CNI_CONFLIST_FILE = '10-k8ts.conflist';

export function cniConflist(podCIDR: string, ipamDataDir: string, mtu?: number): Record<string, unknown> {
  return {
    cniVersion: '1.0.0',
    name: CNI_NETWORK_NAME,
    plugins: [
      {
        type: 'bridge',
        bridge: CNI_BRIDGE,
        isGateway: true,
        // A node deleted and registered again may get another pod CIDR; its bridge must then take
        // the new gateway address instead of refusing every new pod.
        forceAddress: true,
        hairpinMode: true,
        ...(mtu ? { mtu } : {}),
        ipam: {
          type: 'host-local',
          ranges: [[{ subnet: podCIDR }]],
          routes: [{ dst: '0.0.0.0/0' }],
          dataDir: ipamDataDir,
        },
      },
      { type: 'portmap', capabilities: { portMappings: true } },
      { type: 'loopback' },
    ],
  };
}

/**
 * Writes the conflist into `confDir` if it differs from what is there; returns whether it changed.
 * Written to a temporary name and renamed, so containerd (watching the dir) never reads half a file.
 */
export function writeCniConfig(confDir: string, podCIDR: string, ipamDataDir: string, mtu?: number): boolean {
  mkdirSync(confDir, { recursive: true });
  mkdirSync(ipamDataDir, { recursive: true });
  const path = join(confDir, CNI_CONFLIST_FILE);
  const text = JSON.stringify(cniConflist(podCIDR, ipamDataDir, mtu), null, 2) + '\n';
  let current: string | undefined;
  try {
    current = readFileSync(path, 'utf8');
  } catch {
    current = undefined;
  }
  if (current === text) return false;
  const tmp = join(confDir, `.${CNI_CONFLIST_FILE}.tmp`);
  writeFileSync(tmp, text, { mode: 0o644 });
  renameSync(tmp, path);
  return true;
}
