// The ConfigMaps and Secrets a pod refers to, read through the API for each sync (upstream's "Get"
// change-detection strategy): a missing object is `undefined`, any other failure is thrown. The
// same source reads the claims and PVs of PV-backed volumes.
import type { PersistentVolume, PersistentVolumeClaim } from '../api/types/generated.js';
import { ignoreNotFound } from '../client/api-errors.js';
import type { RestClient } from '../client/rest-client.js';
import { objectPath, R, type ResourceRef } from '../client/resources.js';
import type { ConfigMapObject, SecretObject } from './types.js';
import type { ClaimSource } from './volumes/pv-plugin.js';

export interface ObjectSource {
  configMap(namespace: string, name: string): Promise<ConfigMapObject | undefined>;
  secret(namespace: string, name: string): Promise<SecretObject | undefined>;
}

export class ApiObjectSource implements ObjectSource, ClaimSource {
  constructor(private readonly client: RestClient) {}

  configMap(namespace: string, name: string): Promise<ConfigMapObject | undefined> {
    return this.get<ConfigMapObject>(R.configmaps, namespace, name);
  }

  secret(namespace: string, name: string): Promise<SecretObject | undefined> {
    return this.get<SecretObject>(R.secrets, namespace, name);
  }

  persistentVolumeClaim(namespace: string, name: string): Promise<PersistentVolumeClaim | undefined> {
    return this.get<PersistentVolumeClaim>(R.persistentvolumeclaims, namespace, name);
  }

  persistentVolume(name: string): Promise<PersistentVolume | undefined> {
    return this.get<PersistentVolume>(R.persistentvolumes, undefined, name);
  }

  private async get<T>(r: ResourceRef, namespace: string | undefined, name: string): Promise<T | undefined> {
    return ignoreNotFound(this.client.get<T>(objectPath(r, namespace, name)));
  }
}

/** Reads each object at most once per pod sync, so env and volumes see the same version. */
export class CachedObjectSource implements ObjectSource {
  private readonly cache = new Map<string, Promise<unknown>>();

  constructor(private readonly inner: ObjectSource) {}

  configMap(namespace: string, name: string): Promise<ConfigMapObject | undefined> {
    return this.once(`cm/${namespace}/${name}`, () => this.inner.configMap(namespace, name));
  }

  secret(namespace: string, name: string): Promise<SecretObject | undefined> {
    return this.once(`secret/${namespace}/${name}`, () => this.inner.secret(namespace, name));
  }

  private once<T>(key: string, load: () => Promise<T>): Promise<T> {
    let p = this.cache.get(key) as Promise<T> | undefined;
    if (!p) this.cache.set(key, (p = load()));
    return p;
  }
}
