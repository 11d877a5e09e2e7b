// Where the agent keeps its state under its directory (`<data-dir>/agent`): one place, so that
// `k8ts killall` finds exactly what a running agent made.
import { join } from 'node:path';

export const agentPaths = (agentDir: string) => ({
  containerd: join(agentDir, 'containerd'),
  /** The CNI conflist dir of our own containerd. */
  cniConf: join(agentDir, 'etc', 'cni', 'net.d'),
  /** host-local IPAM state: one file per allocated pod IP. */
  cniNetworks: join(agentDir, 'cni', 'networks'),
  kubelet: join(agentDir, 'kubelet'),
  /** The pods' parent cgroup, recorded for killall (a flag of the agent, not otherwise on disk). */
  cgroupRootFile: join(agentDir, 'cgroup-root'),
  /** The network namespace the node runs in (`net:[inode]`), so killall never strips another one. */
  netnsFile: join(agentDir, 'netns'),
  /** Certificates and keys of the node's identities (`<name>.crt` / `<name>.key`), reused across restarts. */
  certificates: join(agentDir, 'pki'),
});
