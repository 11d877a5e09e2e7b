// The ReplicationController controller (core/v1): a ReplicaSet whose selector is a label map that
// defaults to the template's labels.
import { LabelSelector } from '../../api/selectors/label-selector.js';
import { R } from '../../client/resources.js';
import { replicaController } from './replica-controller.js';
import type { ReplicationController } from './types.js';

export const replicationControllerController = replicaController<ReplicationController>({
  controllerName: 'replicationcontroller',
  kind: 'ReplicationController',
  apiVersion: 'v1',
  resource: R.replicationcontrollers,
  selector: rc => {
    const labels = rc.spec.selector ?? rc.spec.template?.metadata?.labels;
    return labels && Object.keys(labels).length ? LabelSelector.fromObject({ matchLabels: labels }) : null;
  },
  template: rc => rc.spec.template,
  replicas: rc => rc.spec.replicas ?? 1,
  minReadySeconds: rc => rc.spec.minReadySeconds ?? 0,
  status: rc => rc.status,
});
