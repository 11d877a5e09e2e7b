// How a stored value (a JS string) becomes bytes and back. Values are JSON text (UTF-8), except
// encrypted ones: binary strings, one character per byte, behind upstream's reserved `k8s:enc:`
// prefix, which must reach the disk as exactly those bytes (as kube-apiserver writes them to etcd).
const BINARY_PREFIX = 'k8s:enc:';

/** True for a binary string (an encrypted value). */
export function isBinaryValue(value: string): boolean {
  return value.startsWith(BINARY_PREFIX);
}

export function valueToBytes(value: string): Buffer {
  return Buffer.from(value, isBinaryValue(value) ? 'latin1' : 'utf8');
}

const BINARY_PREFIX_BYTES = Buffer.from(BINARY_PREFIX, 'latin1');

export function valueFromBytes(bytes: Buffer): string {
  // Compared in place (every value read or watched comes through here; JSON fails at the first byte).
  const n = BINARY_PREFIX_BYTES.length;
  const binary = bytes[0] === BINARY_PREFIX_BYTES[0] && bytes.length >= n && bytes.compare(BINARY_PREFIX_BYTES, 0, n, 0, n) === 0;
  return bytes.toString(binary ? 'latin1' : 'utf8');
}
