// Names of the images k8ts builds itself from Debian's busybox (see build.ts). They live under the
// made-up registry host `k8ts.local`, which containerd maps to a local registry mirror.

/** The registry host of k8ts's own images. */
export const BUILTIN_REGISTRY = 'k8ts.local';

/** The pod sandbox ("pause") image: busybox sleeping forever. containerd's `sandbox_image`. */
export const PAUSE_IMAGE = `${BUILTIN_REGISTRY}/pause:1`;

/** A busybox image with every applet (sh, httpd, wget, nc, ...) for tests and examples. */
export const BUSYBOX_IMAGE = `${BUILTIN_REGISTRY}/busybox:1`;

export type BuiltinImage = typeof PAUSE_IMAGE | typeof BUSYBOX_IMAGE;

export const BUILTIN_IMAGES: readonly BuiltinImage[] = [PAUSE_IMAGE, BUSYBOX_IMAGE];
