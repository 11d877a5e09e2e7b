// TTL-after-finished controller: deletes a finished Job `ttlSecondsAfterFinished` seconds after it
// finished (completionTime, or the Failed condition's transition), in the foreground so its pods go
// first, as upstream.
import { objectPath, R } from '../../client/resources.js';
import type { Controller } from '../types.js';
import { ignoreNotFound } from '../../client/api-errors.js';
import { finishedCondition, type Job } from './job-types.js';

/** When a finished job with a TTL expires (ms since epoch), or undefined. */
export function expiresAt(job: Job): number | undefined {
  const ttl = job.spec.ttlSecondsAfterFinished;
  const done = finishedCondition(job);
  if (ttl === undefined || !done) return undefined;
  const finishedAt = done.type === 'Complete' && job.status?.completionTime ? job.status.completionTime : done.lastTransitionTime;
  return finishedAt ? Date.parse(finishedAt) + ttl * 1000 : undefined;
}

export function ttlAfterFinishedController(): Controller {
  return {
    name: 'ttl-after-finished',
    watches: [{ resource: R.jobs }],
    async reconcile(key, ctx) {
      const job = ctx.informer<Job>(R.jobs).get(key);
      if (!job || job.metadata.deletionTimestamp) return;
      const at = expiresAt(job);
      if (at === undefined) return;
      const left = at - Date.now();
      if (left > 0) {
        ctx.requeueAfter(key, left + 50);
        return;
      }
      ctx.log('deleting expired job', { job: key });
      await ignoreNotFound(ctx.client.delete(objectPath(R.jobs, job.metadata.namespace, job.metadata.name!), {
        kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy: 'Foreground', preconditions: { uid: job.metadata.uid },
      }));
    },
  };
}
