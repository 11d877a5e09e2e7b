// Container log rotation, decided as upstream's container log manager does
// (pkg/kubelet/logs/container_log_manager.go): when a running container's live log (`<n>.log`)
// reaches containerLogMaxSize, it is renamed to `<n>.log.<YYYYMMDD-hhmmss>` and the runtime is told to
// reopen it (CRI ReopenContainerLog). Older rotated files are gzip-compressed (`.gz`); at most
// containerLogMaxFiles files exist per container counting the live one, the oldest removed first so a
// reader of the newer ones is not disturbed. Pure: the executor is in container-log-manager.ts.

export const COMPRESS_SUFFIX = '.gz';
export const TMP_SUFFIX = '.tmp';

export interface RotationPolicy {
  /** containerLogMaxSize in bytes. */
  maxSizeBytes: number;
  /** containerLogMaxFiles: files per container including the live one; at least 2. */
  maxFiles: number;
}

export interface RotationPlan {
  /** Leftover temporary files and uncompressed copies whose `.gz` exists. */
  removeUnused: string[];
  /** The oldest rotated files beyond what maxFiles allows. */
  removeExcess: string[];
  /** Rotated files to gzip (each into `<file>.gz`, then the original removed). */
  compress: string[];
  /** The name the live log is renamed to before the runtime reopens it. */
  rotateTo: string;
}

/** Go's "20060102-150405" layout, in UTC. */
export function rotationTimestamp(now: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${now.getUTCFullYear()}${p(now.getUTCMonth() + 1)}${p(now.getUTCDate())}-${p(now.getUTCHours())}${p(now.getUTCMinutes())}${p(now.getUTCSeconds())}`;
}

/** Whether a live log of this size should be rotated now. */
export function needsRotation(sizeBytes: number, policy: RotationPolicy): boolean {
  return sizeBytes >= policy.maxSizeBytes;
}

/**
 * The steps to rotate `live` (a path), given the paths of its rotated siblings (`<live>.*`). The
 * caller only asks when needsRotation() holds. The newest rotated file is left uncompressed
 * (`kubectl logs` readers may still hold it), as upstream compresses only before a rotation.
 */
export function planRotation(live: string, siblings: string[], policy: RotationPolicy, now: Date): RotationPlan {
  const removeUnused: string[] = [];
  let kept: string[] = [];
  for (const f of siblings) (inUse(f, siblings) ? kept : removeUnused).push(f);
  kept.sort();
  // The live log becomes one rotated file and the runtime creates a new live one, so
  // maxFiles - 2 rotated files may stay from before.
  const keep = Math.max(0, policy.maxFiles - 2);
  const removeExcess = kept.slice(0, Math.max(0, kept.length - keep));
  kept = kept.slice(removeExcess.length);
  return {
    removeUnused,
    removeExcess,
    compress: kept.filter(f => !f.endsWith(COMPRESS_SUFFIX)),
    rotateTo: `${live}.${rotationTimestamp(now)}`,
  };
}

function inUse(file: string, all: string[]): boolean {
  if (file.endsWith(TMP_SUFFIX)) return false;
  if (file.endsWith(COMPRESS_SUFFIX)) return true;
  return !all.includes(file + COMPRESS_SUFFIX);
}
