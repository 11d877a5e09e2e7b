// Kubeconfigs for other identities of a test cluster: a client certificate signed by the cluster
// CA in the data dir (CN = user, O = groups), or a bearer token.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { issueCertificate } from '../../../src/pki/certificates.js';
import type { TestCluster } from '../harness.js';

const b64 = (s: string) => Buffer.from(s).toString('base64');

function kubeconfig(c: TestCluster, user: string): string {
  const ca = readFileSync(join(c.dataDir, 'tls', 'ca.crt'), 'utf8');
  return `apiVersion: v1
kind: Config
clusters:
- name: test
  cluster: {server: "${c.url}", certificate-authority-data: ${b64(ca)}}
users:
- name: u
  user: ${user}
contexts:
- name: test
  context: {cluster: test, user: u}
current-context: test
`;
}

/** Writes a kubeconfig authenticating with a fresh client certificate; returns its path. */
export async function certificateKubeconfig(c: TestCluster, username: string, groups: string[] = []): Promise<string> {
  const ca = { cert: readFileSync(join(c.dataDir, 'tls', 'ca.crt'), 'utf8'), key: readFileSync(join(c.dataDir, 'tls', 'ca.key'), 'utf8') };
  const pair = await issueCertificate(ca, { commonName: username, organizations: groups, usage: 'client' });
  const path = join(c.dataDir, `user-${username.replace(/[^a-z0-9]/gi, '_')}.kubeconfig`);
  writeFileSync(path, kubeconfig(c, `{client-certificate-data: ${b64(pair.cert)}, client-key-data: ${b64(pair.key)}}`), { mode: 0o600 });
  return path;
}

/** Writes a kubeconfig with a bearer token (e.g. a service account's); returns its path. */
export function tokenKubeconfig(c: TestCluster, name: string, token: string): string {
  const path = join(c.dataDir, `token-${name.replace(/[^a-z0-9]/gi, '_')}.kubeconfig`);
  writeFileSync(path, kubeconfig(c, `{token: "${token}"}`), { mode: 0o600 });
  return path;
}
