// A small CRD conversion webhook, for trying conversion strategy `Webhook` and as a reference: it
// answers ConversionReviews (v1 and v1beta1) for a kind whose v1 carries `spec.size`, a quantity
// string ("2Gi"), and whose v2 carries `spec.sizeBytes`, an integer — a change of shape, not only
// of apiVersion. Any other field is passed through. A size it cannot convert fails the review with
// a message, as a webhook reports what it cannot do.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Server } from 'node:https';
import { formatQuantity, parseQuantity, scaledValue } from '../api/quantity.js';
import { listenHttps } from '../util/listen.js';

type Obj = Record<string, any>;

class ConversionFailure extends Error {}

/** One object at the desired version: v1 ⇄ v2 of `spec.size`/`spec.sizeBytes`. */
export function convertSize(obj: Obj, desiredAPIVersion: string): Obj {
  const version = desiredAPIVersion.split('/').pop();
  const { size, sizeBytes, ...rest } = (obj.spec ?? {}) as Obj;
  let spec: Obj = { ...rest };
  if (version === 'v2') {
    if (size !== undefined) {
      let bytes: bigint;
      try {
        bytes = scaledValue(parseQuantity(String(size)));
      } catch (err) {
        throw new ConversionFailure(`spec.size ${JSON.stringify(size)}: ${(err as Error).message}`);
      }
      spec = { ...spec, sizeBytes: Number(bytes) };
    }
  } else if (version === 'v1') {
    if (sizeBytes !== undefined) {
      if (!Number.isSafeInteger(sizeBytes)) throw new ConversionFailure(`spec.sizeBytes ${JSON.stringify(sizeBytes)}: not an integer`);
      // Printed as a quantity prints bytes: "2Gi", or plain digits when no binary suffix fits.
      spec = { ...spec, size: formatQuantity({ digits: BigInt(sizeBytes), scale: 0, format: 'BinarySI' }) };
    }
  } else {
    throw new ConversionFailure(`cannot convert to ${desiredAPIVersion}: only v1 and v2 are known`);
  }
  return { ...obj, apiVersion: desiredAPIVersion, ...(obj.spec === undefined ? {} : { spec }) };
}

/** The review's response: every object converted, or a Failure naming why. */
export function answerReview(review: Obj): Obj {
  const request: Obj = review.request ?? {};
  let response: Obj;
  try {
    const convertedObjects = ((request.objects ?? []) as Obj[]).map(o => convertSize(o, String(request.desiredAPIVersion)));
    response = { uid: request.uid, result: { status: 'Success' }, convertedObjects };
  } catch (err) {
    if (!(err instanceof ConversionFailure)) throw err;
    response = { uid: request.uid, result: { status: 'Failure', message: err.message } };
  }
  return { apiVersion: review.apiVersion, kind: 'ConversionReview', response };
}

export interface SampleConversionWebhookOptions {
  cert: string;
  key: string;
  port: number;
  bindAddress?: string;
}

/** Serves the conversion over HTTPS on every path (the CRD's clientConfig names one). */
export async function startSampleConversionWebhook(opts: SampleConversionWebhookOptions): Promise<{ server: Server; port: number }> {
  return listenHttps({ cert: opts.cert, key: opts.key }, opts.port, opts.bindAddress, (req, res) => void handle(req, res), (_req, socket) => socket.destroy());
}

async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (req.method !== 'POST') {
    res.writeHead(405, { 'Content-Type': 'text/plain' }).end('POST a ConversionReview');
    return;
  }
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  let review: Obj;
  try {
    review = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch (err) {
    res.writeHead(400, { 'Content-Type': 'text/plain' }).end(`not JSON: ${(err as Error).message}`);
    return;
  }
  res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(answerReview(review)));
}
