// The layout of container logs on the node, as the kubelet asks the runtime to write them
// (cri-config.ts): `<root>/pods/<namespace>_<pod>_<uid>/<container>/<attempt>.log`, rotated into
// `<attempt>.log.<YYYYMMDD-hhmmss>` and later gzipped (rotation-plan.ts). Pure: which names are
// logs to ship and in which order.
import { COMPRESS_SUFFIX, TMP_SUFFIX } from './rotation-plan.js';

export interface PodLogDirName {
  namespace: string;
  pod: string;
  uid: string;
}

/** `<namespace>_<pod>_<uid>` (neither a namespace nor a pod name can hold `_`). */
export function parsePodLogDirName(name: string): PodLogDirName | undefined {
  const m = /^([a-z0-9-]+)_([a-z0-9.-]+)_([0-9a-zA-Z-]+)$/.exec(name);
  return m ? { namespace: m[1], pod: m[2], uid: m[3] } : undefined;
}

export interface ContainerLogFile {
  name: string;
  attempt: number;
}

const LOG_NAME = /^(\d+)\.log(?:\.(\d{8}-\d{6}))?$/;

/**
 * The plain log files among a container directory's entries, in the order their lines were
 * written: earlier attempts first, and within an attempt its rotated files (oldest first) before
 * the live one. Gzipped files were rotated twice, so they were shipped before; temporary ones are
 * half-written copies.
 */
export function containerLogFiles(names: string[]): ContainerLogFile[] {
  const files: (ContainerLogFile & { stamp: string })[] = [];
  for (const name of names) {
    if (name.endsWith(COMPRESS_SUFFIX) || name.endsWith(TMP_SUFFIX)) continue;
    const m = LOG_NAME.exec(name);
    // A live file sorts after its attempt's rotated ones.
    if (m) files.push({ name, attempt: Number(m[1]), stamp: m[2] ?? '~' });
  }
  files.sort((a, b) => a.attempt - b.attempt || (a.stamp < b.stamp ? -1 : a.stamp > b.stamp ? 1 : 0));
  return files.map(f => ({ name: f.name, attempt: f.attempt }));
}
