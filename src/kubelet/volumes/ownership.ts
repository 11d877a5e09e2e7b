// fsGroup ownership of a volume, as upstream's SetVolumeOwnership: every file and directory gets the
// group fsGroup and group read/write (read only for a read-only volume), directories also group
// execute and setgid so that new files join the group. With fsGroupChangePolicy OnRootMismatch the
// walk is skipped when the volume's root already has that group and those permissions.
import { chmodSync, lchownSync, lstatSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const RW = 0o660;
const RO = 0o440;
const EXEC = 0o110;

export function setVolumeOwnership(dir: string, fsGroup: number, readOnly: boolean, policy: string | undefined): void {
  if (policy === 'OnRootMismatch' && !rootMismatch(dir, fsGroup, readOnly)) return;
  walk(dir, fsGroup, readOnly ? RO : RW);
}

function rootMismatch(dir: string, fsGroup: number, readOnly: boolean): boolean {
  const st = statSync(dir);
  const want = (readOnly ? RO : RW) | EXEC | 0o2000;
  return st.gid !== fsGroup || (st.mode & want) !== want;
}

function walk(path: string, gid: number, mask: number): void {
  const st = lstatSync(path);
  lchownSync(path, st.uid, gid);
  if (st.isSymbolicLink()) return;
  if (st.isDirectory()) {
    chmodSync(path, (st.mode & 0o7777) | mask | EXEC | 0o2000);
    for (const name of readdirSync(path)) walk(join(path, name), gid, mask);
  } else {
    chmodSync(path, (st.mode & 0o7777) | mask);
  }
}
