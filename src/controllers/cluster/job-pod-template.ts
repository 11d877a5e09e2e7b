// The pod a Job creates: its template plus the labels that tie it to the job, the tracking
// finalizer, the controller reference and, for Indexed jobs, the completion index (annotation,
// label, hostname and JOB_COMPLETION_INDEX env var).
import { LEGACY_CONTROLLER_UID, LEGACY_JOB_NAME } from '../../api/job-labels.js';
import { COMPLETION_INDEX, CONTROLLER_UID, JOB_NAME, JOB_TRACKING_FINALIZER, type Job } from './job-types.js';
import type { Pod } from './types.js';
import { controllerRefTo } from '../workloads/controller-ref.js';

export function podForJob(job: Job, index?: number): Pod {
  const name = job.metadata.name!;
  const uid = job.metadata.uid!;
  const tmpl = structuredClone(job.spec.template);
  const labels: Record<string, string> = {
    ...tmpl.metadata?.labels,
    [CONTROLLER_UID]: uid, [JOB_NAME]: name, [LEGACY_CONTROLLER_UID]: uid, [LEGACY_JOB_NAME]: name,
  };
  const annotations: Record<string, string> = { ...tmpl.metadata?.annotations };
  // Validation requires a template spec; without one the pod is refused for having no containers.
  const spec = tmpl.spec ?? { containers: [] };
  if (index !== undefined) {
    labels[COMPLETION_INDEX] = String(index);
    annotations[COMPLETION_INDEX] = String(index);
    spec.hostname ??= `${name}-${index}`;
    for (const c of [...spec.containers, ...(spec.initContainers ?? [])]) {
      c.env = [...(c.env ?? []).filter(e => e.name !== 'JOB_COMPLETION_INDEX'),
        { name: 'JOB_COMPLETION_INDEX', valueFrom: { fieldRef: { fieldPath: `metadata.annotations['${COMPLETION_INDEX}']` } } }];
    }
  }
  return {
    apiVersion: 'v1', kind: 'Pod',
    metadata: {
      generateName: index === undefined ? `${name}-` : `${name}-${index}-`,
      namespace: job.metadata.namespace,
      labels,
      ...(Object.keys(annotations).length ? { annotations } : {}),
      finalizers: [JOB_TRACKING_FINALIZER],
      ownerReferences: [controllerRefTo(job, 'batch/v1', 'Job')],
    },
    spec,
  };
}
