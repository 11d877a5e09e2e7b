// A Job for the job controller's tests: one container, restartPolicy Never, the selector the API
// server generates, the given spec and status.
import type { Job } from './job-types.js';

export function testJob(spec: Partial<Job['spec']> = {}, status?: Job['status']): Job {
  return {
    apiVersion: 'batch/v1', kind: 'Job',
    metadata: { name: 'pi', namespace: 'ns', uid: 'job-uid', resourceVersion: '1' },
    spec: {
      selector: { matchLabels: { 'batch.kubernetes.io/controller-uid': 'job-uid' } },
      template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c' }] } },
      ...spec,
    },
    status,
  };
}
