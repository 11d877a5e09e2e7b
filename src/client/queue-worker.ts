// The worker loop of a controller over a WorkQueue, as client-go's processNextWorkItem: take a
// key, sync it, then forget it, back it off or look at it again later, as the sync asked. A key
// is synced by one worker at a time (the queue's guarantee); a key handed out after the queue shut
// down is not synced (its owner has stopped).
import { ConflictError, NotFoundError } from '../api/errors.js';
import type { WorkQueue } from './work-queue.js';

/**
 * What a sync asks for its key, as controller-runtime's reconcile.Result: nothing more (undefined),
 * a retry with the key's backoff (`requeue`, its failures counted), or another look after
 * `requeueAfterMs` (its failures forgotten).
 */
export interface SyncResult {
  requeue?: boolean;
  requeueAfterMs?: number;
}

/**
 * Syncs keys from `queue` until it shuts down. A sync that throws is retried with backoff;
 * `onError` hears of it unless it is a conflict or a vanished object (written meanwhile: the event
 * that write caused brings the key back anyway).
 */
export async function runQueueWorker<K>(
  queue: WorkQueue<K>,
  sync: (key: K) => Promise<SyncResult | undefined>,
  onError: (key: K, err: unknown) => void,
): Promise<void> {
  for (;;) {
    const key = await queue.get();
    if (key === undefined || queue.isShutDown) return;
    try {
      const result = await sync(key);
      if (result?.requeue) {
        queue.addRateLimited(key);
      } else {
        queue.forget(key);
        if (result?.requeueAfterMs !== undefined) queue.addAfter(key, result.requeueAfterMs);
      }
    } catch (err) {
      if (!(err instanceof ConflictError || err instanceof NotFoundError)) onError(key, err);
      queue.addRateLimited(key);
    } finally {
      queue.done(key);
    }
  }
}
