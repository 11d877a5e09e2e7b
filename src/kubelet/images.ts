// Making a container's image present as upstream's image manager does: the pull policy (defaulting
// to Always for `:latest` or untagged images), pulls with the pod's imagePullSecrets, per-image
// pull backoff (ErrImagePull, then ImagePullBackOff), and the events Pulling/Pulled/Failed/BackOff.
import type { Container } from '../api/types/generated.js';
import { Backoff } from './backoff.js';
import type { ImageClient } from './cri/client.js';
import type { AuthConfig } from './cri/types.js';
import type { ObjectSource } from './object-source.js';
import type { PodObject, SecretObject } from './types.js';
import { errorMessage } from '../util/error-message.js';

/** An image that could not be made present; `reason` is the container's waiting reason. */
export class ImageError extends Error {
  constructor(readonly reason: 'ErrImagePull' | 'ImagePullBackOff' | 'ErrImageNeverPull' | 'InvalidImageName', message: string) {
    super(message);
  }
}

export type ImageEvent = (type: 'Normal' | 'Warning', reason: string, message: string) => void;

export function pullPolicy(c: Container): string {
  if (c.imagePullPolicy) return c.imagePullPolicy;
  const image = c.image ?? '';
  if (image.includes('@')) return 'IfNotPresent';
  const last = image.split('/').pop() ?? '';
  return !last.includes(':') || last.endsWith(':latest') ? 'Always' : 'IfNotPresent';
}

/** The registry host an image is pulled from (Docker Hub for names without one). */
export function registryHost(image: string): string {
  const first = image.split('/')[0];
  return image.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost') ? first : 'docker.io';
}

/**
 * Images the node makes present itself instead of pulling them (k8ts's own images when no registry
 * mirror serves them): `ensure` imports the image unless the runtime has its current build.
 */
export interface LocalImageSource {
  provides(image: string): boolean;
  ensure(image: string): Promise<void>;
}

/** Told when a pod's image pull starts and when one succeeds (pull time is left out of the startup SLI). */
export interface PullRecorder {
  pullStarted(podUid: string): void;
  pullFinished(podUid: string): void;
}

export class ImageManager {
  private readonly backoff = new Backoff(10_000, 300_000);

  constructor(private readonly images: ImageClient, private readonly objects: ObjectSource, private readonly local?: LocalImageSource, private readonly pulls?: PullRecorder) {}

  /** Ensures the container's image; returns the image reference to create the container with. */
  async ensure(pod: PodObject, c: Container, event: ImageEvent): Promise<string> {
    const image = c.image ?? '';
    if (!image) throw new ImageError('InvalidImageName', 'Failed to apply default image tag "": couldn\'t parse image name "": invalid reference format');
    if (this.local?.provides(image)) return this.ensureLocal(image, event);
    const policy = pullPolicy(c);
    if (policy !== 'Always') {
      const present = await this.images.imageStatus(image);
      if (present) {
        event('Normal', 'Pulled', `Container image "${image}" already present on machine`);
        return present.id;
      }
      if (policy === 'Never') {
        const msg = `Container image "${image}" is not present with pull policy of Never`;
        event('Warning', 'ErrImageNeverPull', msg);
        throw new ImageError('ErrImageNeverPull', msg);
      }
    }
    const key = `${pod.metadata.uid}/${image}`;
    if (this.backoff.inBackoffSince(key, Date.now())) {
      const msg = `Back-off pulling image "${image}"`;
      event('Normal', 'BackOff', msg);
      throw new ImageError('ImagePullBackOff', msg);
    }
    event('Normal', 'Pulling', `Pulling image "${image}"`);
    this.pulls?.pullStarted(pod.metadata.uid ?? '');
    const start = Date.now();
    try {
      const auths = await this.credentials(pod, image);
      let ref = '';
      let lastErr: unknown;
      for (const auth of auths.length ? auths : [undefined]) {
        try {
          ref = await this.images.pullImage(image, auth);
          lastErr = undefined;
          break;
        } catch (err) {
          lastErr = err;
        }
      }
      if (lastErr) throw lastErr;
      this.pulls?.pullFinished(pod.metadata.uid ?? '');
      const took = durationText(Date.now() - start);
      const size = (await this.images.imageStatus(image))?.size;
      event('Normal', 'Pulled', `Successfully pulled image "${image}" in ${took} (${took} including waiting).${size ? ` Image size: ${size} bytes.` : ''}`);
      this.backoff.reset(key);
      return ref;
    } catch (err) {
      this.backoff.next(key, Date.now());
      const msg = `Failed to pull image "${image}": ${errorMessage(err)}`;
      event('Warning', 'Failed', msg);
      throw new ImageError('ErrImagePull', msg);
    }
  }

  /** A node-provided image is never pulled, whatever the pull policy: there is no registry to ask. */
  private async ensureLocal(image: string, event: ImageEvent): Promise<string> {
    try {
      await this.local!.ensure(image);
    } catch (err) {
      const msg = `Failed to import image "${image}": ${errorMessage(err)}`;
      event('Warning', 'Failed', msg);
      throw new ImageError('ErrImagePull', msg);
    }
    const present = await this.images.imageStatus(image);
    if (!present) throw new ImageError('ErrImagePull', `Failed to import image "${image}": the runtime does not list it`);
    event('Normal', 'Pulled', `Container image "${image}" already present on machine`);
    return present.id;
  }

  private async credentials(pod: PodObject, image: string): Promise<AuthConfig[]> {
    const secrets: (SecretObject | undefined)[] = [];
    for (const ref of pod.spec.imagePullSecrets ?? []) secrets.push(await this.objects.secret(pod.metadata.namespace ?? 'default', ref.name ?? ''));
    return pullCredentials(secrets.filter((x): x is SecretObject => !!x), image);
  }
}

/**
 * Credentials for `image` from imagePullSecrets (kubernetes.io/dockerconfigjson or the older
 * dockercfg), every entry whose registry matches the image's, in order; the pull tries each.
 */
export function pullCredentials(secrets: SecretObject[], image: string): AuthConfig[] {
  const host = registryHost(image);
  const out: AuthConfig[] = [];
  for (const secret of secrets) {
    const raw = secret.data?.['.dockerconfigjson'] ?? secret.data?.['.dockercfg'];
    if (!raw) continue;
    let parsed: Record<string, unknown>;
    try {
      parsed = JSON.parse(Buffer.from(raw, 'base64').toString('utf8')) as Record<string, unknown>;
    } catch {
      continue;
    }
    const auths = (parsed.auths ?? parsed) as Record<string, { username?: string; password?: string; auth?: string; identitytoken?: string; registrytoken?: string }>;
    for (const [server, entry] of Object.entries(auths)) {
      if (!matchesRegistry(server, host)) continue;
      let { username, password } = entry;
      if (entry.auth && !username) [username, password] = Buffer.from(entry.auth, 'base64').toString('utf8').split(/:(.*)/s);
      out.push({ username, password, serverAddress: server, ...(entry.identitytoken ? { identityToken: entry.identitytoken } : {}), ...(entry.registrytoken ? { registryToken: entry.registrytoken } : {}) });
    }
  }
  return out;
}

function matchesRegistry(server: string, host: string): boolean {
  const s = server.replace(/^https?:\/\//, '').split('/')[0];
  const hub = (h: string) => ['docker.io', 'index.docker.io', 'registry-1.docker.io'].includes(h);
  return s === host || (hub(s) && hub(host));
}

/** Go-style duration text for the Pulled event ("850ms", "1.2s"). */
function durationText(ms: number): string {
  return ms < 1000 ? `${ms}ms` : `${(ms / 1000).toFixed(3).replace(/\.?0+$/, '')}s`;
}
