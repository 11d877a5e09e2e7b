// The workload controllers run by the controller manager.
import type { Controller } from '../types.js';
import { daemonSetController } from './daemonset.js';
import { deploymentController } from './deployment.js';
import { replicaSetController } from './replicaset.js';
import { replicationControllerController } from './replicationcontroller.js';
import { statefulSetController } from './statefulset.js';

export const workloadControllers: Controller[] = [
  daemonSetController,
  deploymentController,
  replicaSetController,
  replicationControllerController,
  statefulSetController,
];
