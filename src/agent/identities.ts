// The node's identities, each with its own certificate under <agent-dir>/pki, reused across
// restarts while valid:
//   kubelet        system:node:<name> (system:nodes)   the kubelet, node status, routes
//   kube-proxy     system:kube-proxy                   kube-proxy
//   k8ts-controller system:k8ts-controller             cluster DNS, ingress, NetworkPolicy
//   kubelet-serving system:node:<name>                 the kubelet's HTTPS server
// A joining agent gets its kubelet certificate with its bootstrap token (a
// kube-apiserver-client-kubelet CSR, auto-approved as upstream's nodeclient), then the other
// client certificates as that node (kube-apiserver-client CSRs the server approves for nodes) and
// the serving one once its Node has addresses. The server's own agent has them issued directly.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { X509Certificate } from 'node:crypto';
import { SIGNER_KUBE_APISERVER_CLIENT, SIGNER_KUBELET_CLIENT, SIGNER_KUBELET_SERVING } from '../api/csr.js';
import type { ClientConfig } from '../client/kubeconfig.js';
import { requestCertificate } from '../client/certificate-request.js';
import type { RestClient } from '../client/rest-client.js';
import type { PemPair } from '../pki/certificates.js';
import { agentPaths } from './agent-paths.js';

export type ClientIdentity = 'kubelet' | 'kube-proxy' | 'k8ts-controller';

export const NODES_GROUP = 'system:nodes';
export const nodeUser = (nodeName: string) => `system:node:${nodeName}`;

/** Common name and organizations of each client identity. */
export function identitySubject(identity: ClientIdentity, nodeName: string): { commonName: string; organizations: string[] } {
  switch (identity) {
    case 'kubelet': return { commonName: nodeUser(nodeName), organizations: [NODES_GROUP] };
    case 'kube-proxy': return { commonName: 'system:kube-proxy', organizations: [] };
    case 'k8ts-controller': return { commonName: 'system:k8ts-controller', organizations: [] };
  }
}

/** Client certificates are signed for digital signature and client auth (ECDSA keys need no key encipherment). */
export const CLIENT_USAGES = ['digital signature', 'client auth'];
export const SERVING_USAGES = ['digital signature', 'server auth'];

/** The request that renews or first obtains an identity's certificate, sent by `client`. */
export function requestIdentity(client: RestClient, identity: ClientIdentity | 'kubelet-serving', nodeName: string, servingNames: string[] = []): Promise<PemPair> {
  if (identity === 'kubelet-serving') {
    return requestCertificate(client, {
      signerName: SIGNER_KUBELET_SERVING, usages: SERVING_USAGES,
      subject: { commonName: nodeUser(nodeName), organizations: [NODES_GROUP], ...splitNames(servingNames) },
    });
  }
  return requestCertificate(client, {
    signerName: identity === 'kubelet' ? SIGNER_KUBELET_CLIENT : SIGNER_KUBE_APISERVER_CLIENT,
    usages: CLIENT_USAGES, subject: identitySubject(identity, nodeName),
  });
}

function splitNames(names: string[]): { dnsNames: string[]; ipAddresses: string[] } {
  const ip = (n: string) => /^[\d.]+$/.test(n) || n.includes(':');
  return { dnsNames: names.filter(n => !ip(n)), ipAddresses: names.filter(ip) };
}

export class CertificateStore {
  constructor(private readonly agentDir: string) {}

  private paths(name: string): { cert: string; key: string } {
    const dir = agentPaths(this.agentDir).certificates;
    return { cert: join(dir, `${name}.crt`), key: join(dir, `${name}.key`) };
  }

  /** The stored pair when it is still valid for a while and names `commonName`. */
  load(name: string, commonName: string): PemPair | undefined {
    const p = this.paths(name);
    if (!existsSync(p.cert) || !existsSync(p.key)) return undefined;
    const pair = { cert: readFileSync(p.cert, 'utf8'), key: readFileSync(p.key, 'utf8') };
    try {
      const x = new X509Certificate(pair.cert);
      if (Date.parse(x.validTo) <= Date.now() + 10_000) return undefined;
      if (!x.subject.split('\n').includes(`CN=${commonName}`)) return undefined;
    } catch {
      return undefined;
    }
    return pair;
  }

  /** Writes key and certificate (each replaced atomically, key first: a crash never pairs a new certificate with an old key). */
  save(name: string, pair: PemPair): void {
    const p = this.paths(name);
    mkdirSync(agentPaths(this.agentDir).certificates, { recursive: true, mode: 0o700 });
    for (const [path, data, mode] of [[p.key, pair.key, 0o600], [p.cert, pair.cert, 0o644]] as const) {
      writeFileSync(`${path}.tmp`, data, { mode });
      renameSync(`${path}.tmp`, path);
    }
  }
}

export interface NodeClients {
  kubelet: ClientConfig;
  kubeProxy: ClientConfig;
  controller: ClientConfig;
}

/**
 * How the agent comes by a certificate it lacks: the server issues it directly, or a CSR asks for
 * it (the kubelet's with the bootstrap token, the others as the node: `kubelet` is then set).
 */
export type IdentitySource = (identity: ClientIdentity, kubelet?: ClientConfig) => Promise<PemPair>;

/** The three client identities, from the store or from `source` (then stored). */
export async function ensureClientIdentities(store: CertificateStore, nodeName: string, server: { url: string; ca: string; failoverServers?: string[] }, source: IdentitySource): Promise<NodeClients> {
  const config = (p: PemPair): ClientConfig => ({ server: server.url.replace(/\/$/, ''), failoverServers: server.failoverServers, ca: server.ca, cert: p.cert, key: p.key });
  const obtain = async (identity: ClientIdentity, kubelet?: ClientConfig) => {
    const existing = store.load(identity, identitySubject(identity, nodeName).commonName);
    if (existing) return existing;
    const pair = await source(identity, kubelet);
    store.save(identity, pair);
    return pair;
  };
  // The kubelet's first: as the node, the agent then asks for the others.
  const kubelet = config(await obtain('kubelet'));
  return { kubelet, kubeProxy: config(await obtain('kube-proxy', kubelet)), controller: config(await obtain('k8ts-controller', kubelet)) };
}
