// Writes a set of files into a volume directory so that a reader never sees a mix of old and new
// contents, with upstream's layout: the payload lives in a timestamped `..<ts>` directory, `..data`
// is a symlink to the current one (swapped with one rename), and each top-level user path is a
// symlink through `..data`. Unchanged payloads are left alone.
import { chmodSync, chownSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, renameSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';

export interface FileProjection {
  data: Buffer;
  mode: number;
}

export class InvalidPathError extends Error {}

const DATA = '..data';

/**
 * Replaces the payload of `dir` with `files` (relative path → content) unless it is unchanged.
 * With `gid` (the pod's fsGroup), the payload belongs to that group, as upstream's volume ownership.
 */
export function writeAtomically(dir: string, files: Map<string, FileProjection>, gid?: number): boolean {
  for (const p of files.keys()) checkPath(p);
  mkdirSync(dir, { recursive: true });
  const current = existsSync(join(dir, DATA)) ? join(dir, readlinkSync(join(dir, DATA))) : undefined;
  if (current && unchanged(current, files, gid)) return false;

  const tsDir = `..${new Date().toISOString().replace(/[:.]/g, '_')}.${process.hrtime.bigint().toString(36)}`;
  const payload = join(dir, tsDir);
  mkdirSync(payload);
  for (const [p, f] of files) {
    const target = join(payload, p);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, f.data);
    chmodSync(target, f.mode);
    if (gid !== undefined) chownSync(target, 0, gid);
  }
  if (gid !== undefined) for (const d of listDirs(payload)) chownSync(d, 0, gid);
  const tmpLink = join(dir, '..data_tmp');
  rmSync(tmpLink, { force: true });
  symlinkSync(tsDir, tmpLink);
  renameSync(tmpLink, join(dir, DATA));

  const wanted = new Set([...files.keys()].map(p => p.split('/')[0]));
  for (const top of wanted) {
    const link = join(dir, top);
    if (!existsLink(link)) symlinkSync(join(DATA, top), link);
  }
  for (const name of readdirSync(dir)) {
    if (name.startsWith('..')) {
      if (name !== DATA && name !== tsDir) rmSync(join(dir, name), { recursive: true, force: true });
    } else if (!wanted.has(name)) {
      rmSync(join(dir, name), { recursive: true, force: true });
    }
  }
  return true;
}

function existsLink(p: string): boolean {
  try {
    return lstatSync(p).isSymbolicLink();
  } catch {
    return false;
  }
}

function unchanged(payload: string, files: Map<string, FileProjection>, gid: number | undefined): boolean {
  const existing = listFiles(payload);
  if (existing.length !== files.size) return false;
  for (const p of existing) {
    const f = files.get(p);
    if (!f) return false;
    const full = join(payload, p);
    const st = statSync(full);
    if ((st.mode & 0o7777) !== f.mode || (gid !== undefined && st.gid !== gid) || !readFileSync(full).equals(f.data)) return false;
  }
  return true;
}

function listFiles(root: string, prefix = ''): string[] {
  const out: string[] = [];
  for (const e of readdirSync(join(root, prefix), { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...listFiles(root, rel));
    else out.push(rel);
  }
  return out;
}

function listDirs(root: string): string[] {
  return [root, ...readdirSync(root, { withFileTypes: true }).filter(e => e.isDirectory()).flatMap(e => listDirs(join(root, e.name)))];
}

/** Upstream's rules: relative, no `..` element, not starting with `..`. */
function checkPath(p: string): void {
  if (!p || p.startsWith('/') || p.startsWith('..') || p.split('/').includes('..') || normalize(p) !== p.replace(/\/+$/, '')) {
    throw new InvalidPathError(`invalid path: ${p}`);
  }
}
