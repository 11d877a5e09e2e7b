// The CSI controllers of the controller manager: the attach-detach controller (always, as
// kube-controller-manager's) and, for the drivers whose socket this machine has, the sidecars'
// work (provisioner, deleter, attacher, resizer) — see driver-endpoints.ts for that choice.
import type { Controller } from '../types.js';
import { attachDetachController } from './attach-detach.js';
import { csiAttacherController } from './attacher.js';
import { csiDeleterController } from './deleter.js';
import type { DriverEndpoints } from './driver-endpoints.js';
import { csiProvisionerController } from './provisioner.js';
import { csiResizerController } from './resizer.js';

/** The sidecars' controllers for the drivers `endpoints` reaches. */
export function csiSidecarControllers(endpoints: DriverEndpoints): Controller[] {
  return [csiProvisionerController(endpoints), csiDeleterController(endpoints), csiAttacherController(endpoints), csiResizerController(endpoints)];
}

export function csiControllers(endpoints: DriverEndpoints | undefined): Controller[] {
  return [attachDetachController(), ...(endpoints ? csiSidecarControllers(endpoints) : [])];
}
