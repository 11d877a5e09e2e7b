// A kubelet process for e2e tests, started inside the node's network namespace (so probes reach
// pod IPs). It reaches the API server, which listens on the host's loopback, through a unix socket
// relay (unix-relay.ts) on the same port number inside the namespace, so the server certificate's
// 127.0.0.1 still matches. Configured by a JSON file; prints "kubelet started" when adopted and
// running; SIGTERM stops it (leaving containers running).
import { readFileSync } from 'node:fs';
import { loadKubeconfig } from '../../../src/client/kubeconfig.js';
import { RestClient } from '../../../src/client/rest-client.js';
import { SharedInformers } from '../../../src/client/shared-informers.js';
import { ImageClient, RuntimeClient } from '../../../src/kubelet/cri/client.js';
import { builtinImageSource } from '../../../src/kubelet/images/load.js';
import { Kubelet } from '../../../src/kubelet/kubelet.js';
import { relayTcpToUnix } from './unix-relay.js';

export interface KubeletNodeConfig {
  kubeconfig: string;
  apiSocket: string;
  criEndpoint: string;
  nodeName: string;
  nodeIPs: string[];
  rootDir: string;
  /** The pods' cgroup root (the test's own, ours to remove): QoS and pod cgroups are made below it. */
  cgroupParent: string;
}

const config = JSON.parse(readFileSync(process.argv[2], 'utf8')) as KubeletNodeConfig;
const client = loadKubeconfig(config.kubeconfig);
const port = Number(new URL(client.server).port);
const relay = await relayTcpToUnix(port, config.apiSocket);
const rest = new RestClient(client, 'kubelet');
const runtime = new RuntimeClient(config.criEndpoint);
const images = new ImageClient(config.criEndpoint);
const informers = new SharedInformers(rest);
const kubelet = new Kubelet({
  client: rest, informers, nodeName: config.nodeName, runtime, images, rootDir: config.rootDir, nodeIPs: config.nodeIPs,
  cgroupRoot: config.cgroupParent, resyncIntervalMs: 2000, localImages: builtinImageSource(config.criEndpoint),
});
await kubelet.start();
process.stdout.write('kubelet started\n');
process.once('SIGTERM', () => {
  void kubelet.stop().finally(() => {
    runtime.close();
    images.close();
    informers.stop();
    rest.close();
    relay.close();
    process.exit(0);
  });
});
