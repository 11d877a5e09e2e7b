// Builds k8ts's own images offline from the machine's busybox-static: an OCI layout made with
// umoci (one layer: busybox, a link per applet, a minimal /etc, plus node and k8ts for the k8ts
// image), exported by skopeo as a docker-archive tar that `ctr images import` and `skopeo copy`
// both take.
//
// Built archives are cached, keyed by a hash of their contents and this recipe, so only the first
// run on a machine pays for the build (a couple of seconds; the k8ts image ~20 s after each change
// to k8ts).
import { execFile } from 'node:child_process';
import { createHash, type Hash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { BUSYBOX_IMAGE, K8TS_IMAGE, PAUSE_IMAGE, type BuiltinImage } from './builtin.js';
import { fingerprintK8tsContent, IMAGE_K8TS_DIR, IMAGE_NODE_PATH, populateK8tsContent } from './k8ts-content.js';

const run = promisify(execFile);

export const BUSYBOX_BINARY = '/bin/busybox';

/** Shared between test runs and nodes on a machine; override with K8TS_IMAGE_CACHE. */
export const DEFAULT_IMAGE_CACHE_DIR = process.env.K8TS_IMAGE_CACHE ?? '/var/cache/k8ts/images';

// Bump when the recipe below changes, so cached archives of the old recipe are not reused.
const RECIPE_VERSION = 1;

const PATH_ENV = 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

interface ImageRecipe {
  entrypoint: string[];
  cmd: string[];
  /** What the image holds besides busybox: its part of the cache key, and how to copy it in. */
  content?: { fingerprint: (hash: Hash) => void; populate: (rootfs: string) => Promise<void> };
}

const RECIPES: Record<BuiltinImage, ImageRecipe> = {
  // A sandbox's only job is to hold the pod's namespaces open; sleep forever (2^31-1 s, ~68 years).
  [PAUSE_IMAGE]: { entrypoint: ['/bin/sleep', '2147483647'], cmd: [] },
  [BUSYBOX_IMAGE]: { entrypoint: [], cmd: ['sh'] },
  [K8TS_IMAGE]: {
    entrypoint: [IMAGE_NODE_PATH, `${IMAGE_K8TS_DIR}/bin/k8ts.js`], cmd: ['--help'],
    content: { fingerprint: fingerprintK8tsContent, populate: populateK8tsContent },
  },
};

/** Archives of an image kept beside the newest, for builders of other k8ts trees on the machine. */
const KEEP_OLDER_ARCHIVES = 3;

export class ImageBuildError extends Error {}

export interface ImageCacheOptions {
  cacheDir?: string;
}

/** The docker-archive tar of a builtin image, built if not cached yet. */
export async function ensureImageArchive(image: BuiltinImage, opts: ImageCacheOptions = {}): Promise<string> {
  const cacheDir = opts.cacheDir ?? DEFAULT_IMAGE_CACHE_DIR;
  const recipe = RECIPES[image];
  if (!recipe) throw new ImageBuildError(`not a builtin image: ${image}`);
  const hash = createHash('sha256').update(readFileSync(BUSYBOX_BINARY)).update(JSON.stringify({ RECIPE_VERSION, image, recipe }));
  recipe.content?.fingerprint(hash);
  const prefix = `${image.replace(/[/:]/g, '_')}-`;
  const archive = join(cacheDir, `${prefix}${hash.digest('hex').slice(0, 16)}.tar`);
  if (existsSync(archive)) return archive;

  mkdirSync(cacheDir, { recursive: true });
  // Build beside the cache entry and rename into place: concurrent builders never see half a tar.
  const work = mkdtempSync(join(cacheDir, '.build-'));
  try {
    await buildArchive(image, recipe, work, join(work, 'image.tar'));
    renameSync(join(work, 'image.tar'), archive);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  pruneOlderArchives(cacheDir, prefix);
  return archive;
}

/** Removes all but the newest few archives of one image (each k8ts rebuild makes a new k8ts image). */
function pruneOlderArchives(cacheDir: string, prefix: string): void {
  const archives = readdirSync(cacheDir)
    .filter(name => name.startsWith(prefix) && name.endsWith('.tar'))
    .map(name => ({ path: join(cacheDir, name), mtime: statSync(join(cacheDir, name)).mtimeMs }))
    .sort((a, b) => b.mtime - a.mtime);
  for (const old of archives.slice(1 + KEEP_OLDER_ARCHIVES)) rmSync(old.path, { force: true });
}

async function buildArchive(image: string, recipe: ImageRecipe, work: string, out: string): Promise<void> {
  const layout = join(work, 'oci');
  const bundle = join(work, 'bundle');
  const ref = `${layout}:build`;
  await tool('umoci', ['init', '--layout', layout]);
  await tool('umoci', ['new', '--image', ref]);
  await tool('umoci', ['unpack', '--image', ref, bundle]);
  await populateRootfs(join(bundle, 'rootfs'));
  await recipe.content?.populate(join(bundle, 'rootfs'));
  await tool('umoci', ['repack', '--image', ref, bundle]);
  // A fresh image has neither entrypoint nor cmd; set only what the recipe has.
  await tool('umoci', [
    'config', '--image', ref, '--config.env', PATH_ENV, '--config.workingdir', '/',
    ...recipe.entrypoint.flatMap(arg => ['--config.entrypoint', arg]),
    ...recipe.cmd.flatMap(arg => ['--config.cmd', arg]),
  ]);
  await tool('skopeo', ['copy', '--quiet', `oci:${ref}`, `docker-archive:${out}:${image}`]);
}

/** busybox, one symlink per applet at the path busybox itself lists, /tmp and a minimal /etc. */
async function populateRootfs(rootfs: string): Promise<void> {
  const target = join(rootfs, 'bin', 'busybox');
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, readFileSync(BUSYBOX_BINARY), { mode: 0o755 });
  const { stdout } = await tool(BUSYBOX_BINARY, ['--list-full']);
  for (const applet of stdout.split('\n').filter(Boolean)) {
    const link = join(rootfs, applet);
    if (existsSync(link)) continue;
    mkdirSync(dirname(link), { recursive: true });
    symlinkSync('/bin/busybox', link);
  }
  for (const dir of ['tmp', 'root', 'etc', 'var/www']) mkdirSync(join(rootfs, dir), { recursive: true });
  chmodSync(join(rootfs, 'tmp'), 0o1777);
  // Users and groups, so runAsUser/runAsGroup and `id` show names.
  writeFileSync(join(rootfs, 'etc', 'passwd'), 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n');
  writeFileSync(join(rootfs, 'etc', 'group'), 'root:x:0:\nnogroup:x:65534:\n');
}

async function tool(command: string, args: string[]): Promise<{ stdout: string }> {
  try {
    return await run(command, args, { maxBuffer: 16 * 1024 * 1024 });
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    throw new ImageBuildError(`${command} ${args.join(' ')}: ${e.stderr?.trim() || e.message}`);
  }
}
