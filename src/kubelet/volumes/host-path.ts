// hostPath's `type` check, as upstream's hostPath plugin does it before a pod may use the path:
// the *OrCreate types create what is missing, the others require the path to be of that kind.
import { closeSync, existsSync, mkdirSync, openSync, statSync } from 'node:fs';
import { VolumeSetupError } from './projections.js';

/** Checks (or creates) `path` as `type` says; returns the path. */
export function checkHostPath(path: string, type: string): string {
  const st = existsSync(path) ? statSync(path) : undefined;
  const fail = (what: string) => new VolumeSetupError(`hostPath type check failed: ${path} is not a ${what}`);
  switch (type) {
    case 'DirectoryOrCreate':
      if (!st) mkdirSync(path, { recursive: true, mode: 0o755 });
      else if (!st.isDirectory()) throw fail('directory');
      break;
    case 'FileOrCreate':
      if (!st) closeSync(openSync(path, 'a', 0o644));
      else if (!st.isFile()) throw fail('file');
      break;
    case 'Directory': if (!st?.isDirectory()) throw fail('directory'); break;
    case 'File': if (!st?.isFile()) throw fail('file'); break;
    case 'Socket': if (!st?.isSocket()) throw fail('socket'); break;
    case 'CharDevice': if (!st?.isCharacterDevice()) throw fail('character device'); break;
    case 'BlockDevice': if (!st?.isBlockDevice()) throw fail('block device'); break;
  }
  return path;
}
