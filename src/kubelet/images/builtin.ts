// Names of the images k8ts builds itself from Debian's busybox (see build.ts). They live under the
// made-up registry host `k8ts.local`, which containerd maps to a local registry mirror.

/** The registry host of k8ts's own images. */
export const BUILTIN_REGISTRY = 'k8ts.local';

/** The pod sandbox ("pause") image: busybox sleeping forever. containerd's `sandbox_image`. */
export const PAUSE_IMAGE = `${BUILTIN_REGISTRY}/pause:1`;

/** A busybox image with every applet (sh, httpd, wget, nc, ...) for tests and examples. */
export const BUSYBOX_IMAGE = `${BUILTIN_REGISTRY}/busybox:1`;

/**
 * k8ts itself: busybox plus this machine's node and this installation's compiled k8ts with its
 * production dependencies; the entrypoint is `k8ts`, so a pod's `args` name a subcommand. For the
 * parts of k8ts that run as pods (the reference CSI driver, test servers). Large (~150 MB), so it is
 * imported only when a pod asks for it (see IMPORTED_ON_START).
 */
export const K8TS_IMAGE = `${BUILTIN_REGISTRY}/k8ts:1`;

export type BuiltinImage = typeof PAUSE_IMAGE | typeof BUSYBOX_IMAGE | typeof K8TS_IMAGE;

export const BUILTIN_IMAGES: readonly BuiltinImage[] = [PAUSE_IMAGE, BUSYBOX_IMAGE, K8TS_IMAGE];

/** The builtin images an agent imports when it starts; the others wait until a pod needs them. */
export const IMPORTED_ON_START: readonly BuiltinImage[] = [PAUSE_IMAGE, BUSYBOX_IMAGE];

export function isBuiltinImage(image: string): image is BuiltinImage {
  return (BUILTIN_IMAGES as readonly string[]).includes(image);
}
