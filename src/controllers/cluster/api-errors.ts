// Outcomes of API writes that a level-triggered controller can treat as done.
import { StatusError } from '../../api/errors.js';

const is = (err: unknown, code: number) => err instanceof StatusError && err.code === code;

/** The target is already gone: nothing left to do. */
export async function ignoreNotFound<T>(p: Promise<T>): Promise<T | undefined> {
  try {
    return await p;
  } catch (err) {
    if (is(err, 404)) return undefined;
    throw err;
  }
}

/** The object is already there: a previous attempt (or another actor) created it. */
export async function ignoreAlreadyExists<T>(p: Promise<T>): Promise<T | undefined> {
  try {
    return await p;
  } catch (err) {
    if (is(err, 409) && (err as StatusError).reason === 'AlreadyExists') return undefined;
    throw err;
  }
}
