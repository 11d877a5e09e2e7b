// What goes into the k8ts image besides busybox: this machine's node binary with the shared
// libraries it links (so the image runs without a distribution underneath), and this installation
// of k8ts — package.json, bin/, the compiled dist/src, the data files read at run time (openapi/,
// the .proto files under src/) and the production dependencies only.
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import type { Hash } from 'node:crypto';
import { dirname, join, relative } from 'node:path';
import { promisify } from 'node:util';
import { INSTALL_ROOT } from '../../util/install-root.js';

const run = promisify(execFile);

/** Where k8ts lives inside the image. */
export const IMAGE_K8TS_DIR = '/k8ts';
export const IMAGE_NODE_PATH = '/usr/bin/node';

/** Files of the installation that the image carries, relative to the install root (node_modules aside). */
function installationFiles(): string[] {
  const files = ['package.json', 'package-lock.json'];
  const walk = (dir: string, keep: (name: string) => boolean) => {
    const abs = join(INSTALL_ROOT, dir);
    if (!existsSync(abs)) return;
    for (const entry of readdirSync(abs, { recursive: true, withFileTypes: true })) {
      if (!entry.isFile() || !keep(entry.name)) continue;
      files.push(relative(INSTALL_ROOT, join(entry.parentPath, entry.name)));
    }
  };
  walk('bin', () => true);
  walk(join('dist', 'src'), name => !name.endsWith('.test.js') && !name.endsWith('.map'));
  walk('openapi', () => true);
  // Sources are compiled; only their data files (.proto, ...) are read at run time.
  walk('src', name => !name.endsWith('.ts'));
  return files.sort();
}

/** The production dependency directories (`npm ls --omit=dev`), relative to the install root. */
async function productionModules(): Promise<string[]> {
  const { stdout } = await run('npm', ['ls', '--omit=dev', '--all', '--parseable'], { cwd: INSTALL_ROOT, maxBuffer: 16 * 1024 * 1024 });
  return stdout.split('\n').filter(Boolean).map(p => relative(INSTALL_ROOT, p)).filter(p => p.startsWith('node_modules'));
}

/**
 * Feeds everything the image is made of into the cache key: the node binary, the lock file (which
 * fixes node_modules) and every installation file, so a rebuild of k8ts makes a new image.
 */
export function fingerprintK8tsContent(hash: Hash): void {
  hash.update(readFileSync(process.execPath));
  for (const file of installationFiles()) hash.update(file).update(readFileSync(join(INSTALL_ROOT, file)));
}

/** Copies node, its libraries and the k8ts installation into `rootfs`. */
export async function populateK8tsContent(rootfs: string): Promise<void> {
  const copy = (from: string, to: string) => {
    mkdirSync(dirname(join(rootfs, to)), { recursive: true });
    cpSync(from, join(rootfs, to), { recursive: true, dereference: true });
  };
  copy(process.execPath, IMAGE_NODE_PATH);
  for (const lib of await linkedLibraries(process.execPath)) copy(lib, lib);
  for (const file of installationFiles()) copy(join(INSTALL_ROOT, file), join(IMAGE_K8TS_DIR, file));
  // node_modules may be a symlink (a git worktree sharing another's); copy what it points at.
  const modules = realpathSync(join(INSTALL_ROOT, 'node_modules'));
  for (const dir of await productionModules()) {
    const from = join(modules, relative('node_modules', dir));
    if (statSync(from).isDirectory()) copy(from, join(IMAGE_K8TS_DIR, dir));
  }
}

/** The shared libraries (and the dynamic loader) a binary needs, as absolute paths, from ldd. */
async function linkedLibraries(binary: string): Promise<string[]> {
  const { stdout } = await run('ldd', [binary]);
  const libs: string[] = [];
  for (const line of stdout.split('\n')) {
    // "libm.so.6 => /lib/x86_64-linux-gnu/libm.so.6 (0x...)" or "/lib64/ld-linux-x86-64.so.2 (0x...)"
    const m = /(?:=>\s*)?(\/\S+)\s+\(0x/.exec(line);
    if (m) libs.push(m[1]);
  }
  return libs;
}
