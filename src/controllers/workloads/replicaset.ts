// The ReplicaSet controller (apps/v1): keeps spec.replicas pods matching the selector.
import { R } from '../../client/resources.js';
import { replicaController } from './replica-controller.js';
import { selectorOf } from './selecting-owners.js';
import type { ReplicaSet } from './types.js';

export const replicaSetController = replicaController<ReplicaSet>({
  controllerName: 'replicaset',
  kind: 'ReplicaSet',
  apiVersion: 'apps/v1',
  resource: R.replicasets,
  selector: rs => selectorOf(rs.spec.selector),
  template: rs => rs.spec.template,
  replicas: rs => rs.spec.replicas ?? 1,
  minReadySeconds: rs => rs.spec.minReadySeconds ?? 0,
  status: rs => rs.status,
});
