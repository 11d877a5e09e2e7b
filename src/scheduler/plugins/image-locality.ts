// ImageLocality: prefers nodes that already hold the pod's images, weighted by image size and by
// how widely the image is spread (an image on every node says little), as upstream.
import { MAX_NODE_SCORE, SKIP, type Handle, type Plugin } from '../framework.js';
import { normalizeImage } from '../node-info.js';

const MB = 1024 * 1024;
const MIN_THRESHOLD = 23 * MB;
const MAX_CONTAINER_THRESHOLD = 1000 * MB;

export function imageLocality(h: Handle): Plugin {
  return {
    name: 'ImageLocality',
    events: ['Node'],
    preScore: () => (h.cache.imageNodes.size ? null : SKIP),
    score(_s, pod, node) {
      const total = h.cache.nodeCount;
      const containers = [...(pod.spec.initContainers ?? []), ...pod.spec.containers];
      let sum = 0;
      for (const c of containers) {
        if (!c.image) continue;
        const img = normalizeImage(c.image);
        const size = node.images.get(img);
        if (size !== undefined) sum += size * ((h.cache.imageNodes.get(img) ?? 0) / total);
      }
      const max = MAX_CONTAINER_THRESHOLD * containers.length;
      const clamped = Math.min(Math.max(sum, MIN_THRESHOLD), max);
      return Math.floor((MAX_NODE_SCORE * (clamped - MIN_THRESHOLD)) / (max - MIN_THRESHOLD));
    },
  };
}
