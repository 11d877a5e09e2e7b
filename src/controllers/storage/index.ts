// The storage controllers of the controller manager: the PV binder, the protection controllers
// and the ephemeral volume controller (provisioners run elsewhere: local-path in the agent, CSI).
import type { Controller } from '../types.js';
import { ephemeralVolumeController } from './ephemeral-volume.js';
import { persistentVolumeBinder } from './persistentvolume.js';
import { pvProtectionController } from './pv-protection.js';
import { pvcProtectionController } from './pvc-protection.js';

export const storageControllers: Controller[] = [persistentVolumeBinder, pvcProtectionController, pvProtectionController, ephemeralVolumeController];
