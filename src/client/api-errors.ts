// Outcomes of API writes that a level-triggered caller can treat as done. Every component that talks
// to the API server through the client uses these rather than testing status codes inline.
import { isConflict, isNotFound } from '../api/errors.js';

/** The target is already gone: nothing left to do. */
export async function ignoreNotFound<T>(p: Promise<T>): Promise<T | undefined> {
  try {
    return await p;
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

/** The object is already there: a previous attempt (or another actor) created it. */
export async function ignoreAlreadyExists<T>(p: Promise<T>): Promise<T | undefined> {
  try {
    return await p;
  } catch (err) {
    if (isConflict(err) && err.reason === 'AlreadyExists') return undefined;
    throw err;
  }
}

/**
 * Runs a read-modify-write until it is not refused with 409 (client-go's RetryOnConflict): a stale
 * resourceVersion, or a create that lost to another writer. Each attempt must read the object
 * afresh. Gives up after `attempts`.
 */
export async function retryOnConflict<T>(fn: () => Promise<T>, attempts = 5): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await fn();
    } catch (err) {
      if (!isConflict(err) || i >= attempts) throw err;
    }
  }
}
