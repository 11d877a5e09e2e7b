// The driver's volumes, kept durably in `<data-dir>/state.json` (rewritten atomically on every
// change) beside their directories `<data-dir>/volumes/<id>`: a restarted driver pod knows every
// volume it created, where it is staged and published, and to which nodes it is attached.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../util/atomic-file.js';

export interface Publication {
  targetPath: string;
  readOnly: boolean;
}

export interface HostPathVolume {
  id: string;
  /** The CO's name for it (CreateVolume's name), the key of CreateVolume's idempotency. */
  name: string;
  capacityBytes: number;
  /** Its directory: the data. */
  path: string;
  /** A CSI inline ephemeral volume: created at NodePublishVolume, deleted at NodeUnpublishVolume. */
  ephemeral: boolean;
  volumeContext: Record<string, string>;
  /** Node ids it is ControllerPublished to. */
  attachedTo: string[];
  /** Staging target paths it is NodeStaged at. */
  stagedAt: string[];
  publishedAt: Publication[];
}

interface StateFile {
  volumes: HostPathVolume[];
}

export class VolumeStore {
  private readonly volumes = new Map<string, HostPathVolume>();
  private readonly stateFile: string;

  constructor(readonly dataDir: string) {
    this.stateFile = join(dataDir, 'state.json');
    if (existsSync(this.stateFile)) {
      const state = JSON.parse(readFileSync(this.stateFile, 'utf8')) as StateFile;
      for (const v of state.volumes) this.volumes.set(v.id, v);
    }
  }

  /** Where the volume with this id keeps its data. */
  volumeDir(id: string): string {
    return join(this.dataDir, 'volumes', id);
  }

  get(id: string): HostPathVolume | undefined {
    return this.volumes.get(id);
  }

  byName(name: string): HostPathVolume | undefined {
    for (const v of this.volumes.values()) if (v.name === name) return v;
    return undefined;
  }

  /** Every volume, ordered by id (ListVolumes pages over this order). */
  list(): HostPathVolume[] {
    return [...this.volumes.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  allocatedBytes(): number {
    let sum = 0;
    for (const v of this.volumes.values()) sum += v.capacityBytes;
    return sum;
  }

  /** Records a new or changed volume, durably, before the caller replies. */
  put(v: HostPathVolume): void {
    this.volumes.set(v.id, v);
    this.save();
  }

  delete(id: string): void {
    if (this.volumes.delete(id)) this.save();
  }

  private save(): void {
    writeFileAtomic(this.stateFile, JSON.stringify({ volumes: this.list() } satisfies StateFile, null, 2) + '\n');
  }
}
