// How the driver refuses a request: a DriverError carries the gRPC code the CSI spec prescribes for
// that case (INVALID_ARGUMENT for a missing field, NOT_FOUND for an unknown volume, ...), and
// `unary` turns a handler's result or error into the gRPC reply. Anything else thrown is a bug or a
// host failure and goes back as INTERNAL with its message.
import * as grpc from '@grpc/grpc-js';
import { errorMessage } from '../util/error-message.js';

export class DriverError extends Error {
  constructor(readonly code: grpc.status, message: string) {
    super(message);
    this.name = 'DriverError';
  }
}

export const invalidArgument = (msg: string) => new DriverError(grpc.status.INVALID_ARGUMENT, msg);
export const notFound = (msg: string) => new DriverError(grpc.status.NOT_FOUND, msg);
export const alreadyExists = (msg: string) => new DriverError(grpc.status.ALREADY_EXISTS, msg);
export const failedPrecondition = (msg: string) => new DriverError(grpc.status.FAILED_PRECONDITION, msg);
export const outOfRange = (msg: string) => new DriverError(grpc.status.OUT_OF_RANGE, msg);
export const resourceExhausted = (msg: string) => new DriverError(grpc.status.RESOURCE_EXHAUSTED, msg);
export const aborted = (msg: string) => new DriverError(grpc.status.ABORTED, msg);

/** `value` if non-empty, else INVALID_ARGUMENT "<what> missing in request" (the wording of upstream's drivers). */
export function required<T>(value: T | null | undefined | '', what: string): T {
  if (value === undefined || value === null || value === '') throw invalidArgument(`${what} missing in request`);
  return value;
}

type Log = (msg: string, fields?: Record<string, unknown>) => void;

/** A grpc-js unary handler from an async function of the request. */
export function unary<Req, Res>(method: string, log: Log, fn: (request: Req) => Promise<Res>): grpc.handleUnaryCall<Req, Res> {
  return (call, callback) => {
    fn(call.request).then(
      res => callback(null, res),
      (err: unknown) => {
        const code = err instanceof DriverError ? err.code : grpc.status.INTERNAL;
        const details = errorMessage(err);
        log('request failed', { method, code: grpc.status[code], error: details });
        callback({ code, details });
      },
    );
  };
}
