// PKCS#10 certificate requests: what a node makes to ask the cluster for a certificate (its key never
// leaves it), what the API server validates, and what the cluster signer turns into a certificate.
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import { exportKey, importKey, randomSerial, signingAlgorithm } from './certificates.js';

export interface RequestSubject {
  commonName: string;
  organizations?: string[];
  dnsNames?: string[];
  ipAddresses?: string[];
}

export interface ParsedRequest {
  commonName: string;
  organizations: string[];
  /** Subject attributes other than CN and O (upstream's node signers refuse any). */
  otherSubjectFields: string[];
  dnsNames: string[];
  ipAddresses: string[];
  emailAddresses: string[];
  uris: string[];
  /** The request's own signature checks out against its public key. */
  signatureValid: boolean;
  /** Public key algorithm: upstream's kubelet signers accept only ECDSA P-256 and RSA. */
  keyAlgorithm: string;
}

export class InvalidRequestError extends Error {}

/** A fresh ECDSA P-256 key and a request for `subject`, both PEM. */
export async function createCertificateRequest(subject: RequestSubject): Promise<{ request: string; key: string }> {
  const keys = await webcrypto.subtle.generateKey(signingAlgorithm, true, ['sign', 'verify']) as CryptoKeyPair;
  const names = [
    ...(subject.dnsNames ?? []).map(value => ({ type: 'dns' as const, value })),
    ...(subject.ipAddresses ?? []).map(value => ({ type: 'ip' as const, value })),
  ];
  const csr = await x509.Pkcs10CertificateRequestGenerator.create({
    name: [{ CN: [subject.commonName] }, ...(subject.organizations ?? []).map(o => ({ O: [o] }))],
    keys,
    signingAlgorithm,
    extensions: names.length ? [new x509.SubjectAlternativeNameExtension(names, false)] : [],
  });
  return { request: csr.toString('pem'), key: await exportKey(keys.privateKey) };
}

export async function parseCertificateRequest(pem: string): Promise<ParsedRequest> {
  let csr: x509.Pkcs10CertificateRequest;
  try {
    csr = new x509.Pkcs10CertificateRequest(pem);
  } catch (err) {
    throw new InvalidRequestError(`not a PEM certificate request: ${(err as Error).message}`);
  }
  const subject = csr.subjectName.toJSON();
  const other = new Set<string>();
  for (const rdn of subject) for (const k of Object.keys(rdn)) if (k !== 'CN' && k !== 'O') other.add(k);
  const san = subjectAltNames(csr);
  const names = san ? san.names.toJSON() : [];
  const of = (type: string) => names.filter(n => n.type === type).map(n => n.value);
  let signatureValid = false;
  try {
    signatureValid = await csr.verify();
  } catch {
    signatureValid = false;
  }
  const alg = csr.publicKey.algorithm as { name: string; namedCurve?: string };
  return {
    commonName: csr.subjectName.getField('CN')[0] ?? '',
    organizations: csr.subjectName.getField('O'),
    otherSubjectFields: [...other],
    dnsNames: of('dns'), ipAddresses: of('ip'), emailAddresses: of('email'), uris: of('url'),
    signatureValid,
    keyAlgorithm: alg.namedCurve ? `${alg.name}-${alg.namedCurve}` : alg.name,
  };
}

export interface SignOptions {
  /** Key usages as the CSR API names them ("digital signature", "client auth", ...). */
  usages: string[];
  notBefore: Date;
  notAfter: Date;
}

const KEY_USAGE_BITS: Record<string, number> = {
  'signing': x509.KeyUsageFlags.digitalSignature,
  'digital signature': x509.KeyUsageFlags.digitalSignature,
  'content commitment': x509.KeyUsageFlags.nonRepudiation,
  'key encipherment': x509.KeyUsageFlags.keyEncipherment,
  'key agreement': x509.KeyUsageFlags.keyAgreement,
  'data encipherment': x509.KeyUsageFlags.dataEncipherment,
  'cert sign': x509.KeyUsageFlags.keyCertSign,
  'crl sign': x509.KeyUsageFlags.cRLSign,
  'encipher only': x509.KeyUsageFlags.encipherOnly,
  'decipher only': x509.KeyUsageFlags.decipherOnly,
};

const EXT_KEY_USAGES: Record<string, string> = {
  'server auth': x509.ExtendedKeyUsage.serverAuth,
  'client auth': x509.ExtendedKeyUsage.clientAuth,
  'code signing': x509.ExtendedKeyUsage.codeSigning,
  'email protection': x509.ExtendedKeyUsage.emailProtection,
  'timestamping': x509.ExtendedKeyUsage.timeStamping,
  'ocsp signing': x509.ExtendedKeyUsage.ocspSigning,
};

/** A leaf certificate for the request's subject, names and key, signed by `ca`. */
export async function signCertificateRequest(ca: { cert: string; key: string }, pem: string, o: SignOptions): Promise<string> {
  const csr = new x509.Pkcs10CertificateRequest(pem);
  const caCert = new x509.X509Certificate(ca.cert);
  let keyBits = 0;
  const extended: string[] = [];
  for (const u of o.usages) {
    if (KEY_USAGE_BITS[u] !== undefined) keyBits |= KEY_USAGE_BITS[u]!;
    else if (EXT_KEY_USAGES[u]) extended.push(EXT_KEY_USAGES[u]!);
  }
  const extensions: x509.Extension[] = [
    new x509.BasicConstraintsExtension(false, undefined, true),
    await x509.AuthorityKeyIdentifierExtension.create(caCert, false),
  ];
  if (keyBits) extensions.push(new x509.KeyUsagesExtension(keyBits, true));
  if (extended.length) extensions.push(new x509.ExtendedKeyUsageExtension(extended, false));
  const san = subjectAltNames(csr);
  if (san) extensions.push(san);
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: randomSerial(),
    subject: csr.subjectName,
    issuer: caCert.subject,
    notBefore: o.notBefore,
    notAfter: o.notAfter,
    signingKey: await importKey(ca.key),
    publicKey: await csr.publicKey.export(),
    signingAlgorithm,
    extensions,
  });
  return cert.toString('pem');
}

function subjectAltNames(csr: x509.Pkcs10CertificateRequest): x509.SubjectAlternativeNameExtension | undefined {
  return csr.extensions.find((e): e is x509.SubjectAlternativeNameExtension => e instanceof x509.SubjectAlternativeNameExtension);
}

/** Validity window of a certificate (PEM). */
export function certificateValidity(pem: string): { notBefore: Date; notAfter: Date } {
  const cert = new x509.X509Certificate(pem);
  return { notBefore: cert.notBefore, notAfter: cert.notAfter };
}
