// A k8ts TLS server (`k8ts sample-apiserver`, `k8ts sample-conversion-webhook`) deployed as
// upstream's extension servers and webhooks are: the k8ts image in a Deployment app=<name>, serving
// on 8443 the certificate of a TLS Secret, behind a Service <name> on 443. The certificate names
// <name>.<namespace>.svc; the CA that signed it is what the APIService's or the webhook's
// caBundle carries.
import { stringify } from 'yaml';
import { K8TS_IMAGE } from '../../../src/kubelet/images/builtin.js';
import { createCA, issueCertificate } from '../../../src/pki/certificates.js';
import { deployment } from './pods.js';

export interface K8tsServerPod {
  /** The Secret, the Deployment and the Service, a YAML stream for `kubectl apply -f -`. */
  manifests: string;
  /** The signing CA, base64, as a caBundle field takes it. */
  caBundle: string;
}

/** `k8ts <command>` serving TLS in a pod of `namespace`, as `name` (Deployment, Service and Secret `<name>-serving`). */
export async function k8tsServerPod(o: { name: string; namespace: string; command: string; serviceAccountName?: string }): Promise<K8tsServerPod> {
  const ca = await createCA(`${o.name}-ca`);
  const serving = await issueCertificate(ca, { commonName: o.name, usage: 'server', dnsNames: [`${o.name}.${o.namespace}.svc`] });
  const base64 = (pem: string) => Buffer.from(pem).toString('base64');
  const secret = `${o.name}-serving`;
  const manifests = [
    stringify({
      apiVersion: 'v1', kind: 'Secret', type: 'kubernetes.io/tls', metadata: { name: secret, namespace: o.namespace },
      data: { 'tls.crt': base64(serving.cert), 'tls.key': base64(serving.key) },
    }),
    deployment(o.name, 1, {
      serviceAccountName: o.serviceAccountName, terminationGracePeriodSeconds: 1,
      volumes: [{ name: 'tls', secret: { secretName: secret } }],
      containers: [{
        name: 'server', image: K8TS_IMAGE,
        args: [o.command, '--tls-cert-file=/tls/tls.crt', '--tls-private-key-file=/tls/tls.key', '--secure-port=8443'],
        ports: [{ containerPort: 8443 }],
        readinessProbe: { tcpSocket: { port: 8443 }, periodSeconds: 1 },
        volumeMounts: [{ name: 'tls', mountPath: '/tls', readOnly: true }],
      }],
    }, o.namespace),
    stringify({
      apiVersion: 'v1', kind: 'Service', metadata: { name: o.name, namespace: o.namespace },
      spec: { selector: { app: o.name }, ports: [{ port: 443, targetPort: 8443 }] },
    }),
  ].join('---\n');
  return { manifests, caBundle: base64(ca.cert) };
}
