// Gets k8ts's own images to where pods need them without internet access: into a containerd
// directly (import of the built archive) or into a registry (push), from which containerd pulls
// `k8ts.local/...` by name through its registry mirror.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { NETNS_DIR } from '../../util/daemon.js';
import { ImageClient } from '../cri/client.js';
import type { LocalImageSource } from '../images.js';
import { BUILTIN_REGISTRY, isBuiltinImage, PAUSE_IMAGE, type BuiltinImage } from './builtin.js';
import { ensureImageArchive, type ImageCacheOptions } from './build.js';

const run = promisify(execFile);

/** The namespace in which containerd's CRI plugin keeps its images. */
export const CRI_CONTAINERD_NAMESPACE = 'k8s.io';

export class ImageLoadError extends Error {}

function socketPath(endpoint: string): string {
  return endpoint.replace(/^unix:\/\//, '');
}

/** Imports a docker-archive tar into the containerd at `endpoint`, where CRI sees it. */
export async function importImage(endpoint: string, archive: string): Promise<void> {
  try {
    await run('ctr', ['--address', socketPath(endpoint), '--namespace', CRI_CONTAINERD_NAMESPACE, 'images', 'import', archive], { maxBuffer: 16 * 1024 * 1024 });
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    throw new ImageLoadError(`importing ${archive}: ${e.stderr?.trim() || e.message}`);
  }
}

/** The image id (`sha256:` + digest of its config) of the one image in a docker-archive tar. */
async function archiveImageId(archive: string): Promise<string> {
  const { stdout } = await run('tar', ['-xOf', archive, 'manifest.json'], { maxBuffer: 1024 * 1024 });
  const [manifest] = JSON.parse(stdout) as { Config: string }[];
  return `sha256:${manifest.Config.replace(/\.json$/, '')}`;
}

interface BuiltArchive {
  path: string;
  /** The id the runtime lists for the image once the archive is imported. */
  id: string;
}

async function builtArchive(image: BuiltinImage, opts: ImageCacheOptions): Promise<BuiltArchive> {
  const path = await ensureImageArchive(image, opts);
  return { path, id: await archiveImageId(path) };
}

/**
 * Builds (or takes from cache) and imports each image the runtime does not have in its current
 * build — absent, or left from an older k8ts under the same tag. Returns those imported.
 * `archiveOf` finds each image's archive (by default: fingerprints its contents, builds if need be).
 */
export async function ensureBuiltinImages(
  endpoint: string, images: readonly BuiltinImage[], opts: ImageCacheOptions = {},
  archiveOf: (image: BuiltinImage) => Promise<BuiltArchive> = image => builtArchive(image, opts),
): Promise<BuiltinImage[]> {
  const client = new ImageClient(endpoint);
  const imported: BuiltinImage[] = [];
  try {
    for (const image of images) {
      const archive = await archiveOf(image);
      if ((await client.imageStatus(image))?.id === archive.id) continue;
      await importImage(endpoint, archive.path);
      if ((await client.imageStatus(image))?.id !== archive.id) throw new ImageLoadError(`${image} was imported but the runtime does not list it`);
      imported.push(image);
    }
  } finally {
    client.close();
  }
  return imported;
}

/**
 * k8ts's own images as the kubelet's node-provided images: imported (built first if need be) on use.
 * Each image's archive is found once per process — fingerprinting the k8ts image reads node and the
 * whole installation (~110 MB), too much for every container start — while the runtime is still
 * asked each time whether it has that build (an image removed since is imported again).
 */
export function builtinImageSource(endpoint: string, opts: ImageCacheOptions = {}): LocalImageSource {
  const archives = new Map<BuiltinImage, Promise<BuiltArchive>>();
  const archiveOf = (image: BuiltinImage) => {
    let archive = archives.get(image);
    if (!archive) {
      archive = builtArchive(image, opts);
      archives.set(image, archive);
      // A failed build is tried again on the next container start.
      archive.catch(() => archives.delete(image));
    }
    return archive;
  };
  return {
    provides: isBuiltinImage,
    ensure: async image => { if (isBuiltinImage(image)) await ensureBuiltinImages(endpoint, [image], opts, archiveOf); },
  };
}

/** Makes sure the sandbox image is present, so pods start on a machine without internet. */
export async function ensurePauseImage(endpoint: string, opts: ImageCacheOptions = {}): Promise<void> {
  await ensureBuiltinImages(endpoint, [PAUSE_IMAGE], opts);
}

/** `k8ts.local/busybox:1` at registry `10.0.0.1:5000` → `10.0.0.1:5000/busybox:1`. */
export function registryReference(image: BuiltinImage, registryAddress: string): string {
  return `${registryAddress}/${image.slice(BUILTIN_REGISTRY.length + 1)}`;
}

export interface PushOptions extends ImageCacheOptions {
  /** Network namespace (name under /var/run/netns) from which the registry address is reachable. */
  netns?: string;
}

/** Pushes a builtin image to a plain-HTTP registry under the same repository and tag. Returns the pushed reference. */
export async function pushImage(image: BuiltinImage, registryAddress: string, opts: PushOptions = {}): Promise<string> {
  const archive = await ensureImageArchive(image, opts);
  const destination = registryReference(image, registryAddress);
  const copy = ['skopeo', 'copy', '--quiet', '--dest-tls-verify=false', `docker-archive:${archive}`, `docker://${destination}`];
  const [command, ...args] = opts.netns ? ['nsenter', `--net=${NETNS_DIR}/${opts.netns}`, '--', ...copy] : copy;
  try {
    await run(command, args, { maxBuffer: 16 * 1024 * 1024 });
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    throw new ImageLoadError(`pushing ${image} to ${destination}: ${e.stderr?.trim() || e.message}`);
  }
  return destination;
}
