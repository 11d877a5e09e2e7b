// Errors raised while applying patches, shaped as the upstream API server reports them.
import { BadRequestError, RequestEntityTooLargeError, StatusError } from '../../api/errors.js';

/**
 * A patch that is well formed but cannot be applied (a failed `test`, a missing path, a list of
 * lists in a strategic merge). Upstream answers these with NewGenericServerResponse(422), whose
 * message is generic and carries no causes; `detail` keeps the specific reason for logs and tests.
 */
export class PatchApplyError extends StatusError {
  constructor(readonly detail: string) {
    super(422, 'Invalid', 'the server rejected our request due to an error in our request');
  }
}

/** A patch document that cannot even be decoded: 400, as upstream. */
export function badPatch(message: string): BadRequestError {
  return new BadRequestError(message);
}

export const MAX_JSON_PATCH_OPERATIONS = 10000;

export function tooManyOperations(count: number): RequestEntityTooLargeError {
  return new RequestEntityTooLargeError(
    `Request entity too large: The allowed maximum operations in a JSON patch is ${MAX_JSON_PATCH_OPERATIONS}, got ${count}`);
}
