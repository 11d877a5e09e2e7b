// Defaults for apps/v1 (pkg/apis/apps/v1/defaults.go).
import { defaultClaim } from './core.js';
import { defaultPodTemplate } from './pod-spec.js';
import type { Defaulter, Obj } from './types.js';

export const appsDefaults: Record<string, Defaulter> = {
  Deployment(o) {
    const spec = (o.spec ??= {});
    spec.replicas ??= 1;
    const strategy = (spec.strategy ??= {});
    strategy.type ??= 'RollingUpdate';
    if (strategy.type === 'RollingUpdate') {
      strategy.rollingUpdate ??= {};
      strategy.rollingUpdate.maxUnavailable ??= '25%';
      strategy.rollingUpdate.maxSurge ??= '25%';
    }
    spec.revisionHistoryLimit ??= 10;
    spec.progressDeadlineSeconds ??= 600;
    defaultPodTemplate(spec.template);
  },
  ReplicaSet(o) {
    const spec = (o.spec ??= {});
    spec.replicas ??= 1;
    defaultPodTemplate(spec.template);
  },
  StatefulSet(o) {
    const spec = (o.spec ??= {});
    spec.podManagementPolicy ??= 'OrderedReady';
    const strategy = (spec.updateStrategy ??= {});
    // Only an unset type brings a rollingUpdate block; an explicit RollingUpdate keeps what it has.
    if (strategy.type === undefined) {
      strategy.type = 'RollingUpdate';
      strategy.rollingUpdate ??= {};
    }
    if (strategy.type === 'RollingUpdate' && strategy.rollingUpdate) strategy.rollingUpdate.partition ??= 0;
    const retention = (spec.persistentVolumeClaimRetentionPolicy ??= {});
    retention.whenDeleted ??= 'Retain';
    retention.whenScaled ??= 'Retain';
    spec.replicas ??= 1;
    spec.revisionHistoryLimit ??= 10;
    for (const claim of spec.volumeClaimTemplates ?? []) defaultEmbeddedClaim(claim);
    defaultPodTemplate(spec.template);
  },
  DaemonSet(o) {
    const spec = (o.spec ??= {});
    const strategy = (spec.updateStrategy ??= {});
    strategy.type ??= 'RollingUpdate';
    if (strategy.type === 'RollingUpdate') {
      strategy.rollingUpdate ??= {};
      strategy.rollingUpdate.maxUnavailable ??= 1;
      strategy.rollingUpdate.maxSurge ??= 0;
    }
    spec.revisionHistoryLimit ??= 10;
    defaultPodTemplate(spec.template);
  },
};

/** Claim templates are whole PersistentVolumeClaims upstream, so they get a claim's defaults and type. */
function defaultEmbeddedClaim(claim: Obj): void {
  claim.apiVersion ??= 'v1';
  claim.kind ??= 'PersistentVolumeClaim';
  defaultClaim(claim);
}
