// `k8ts sample-conversion-webhook`: the CRD conversion webhook of src/sample-apiserver, converting
// `spec.size` (v1) and `spec.sizeBytes` (v2); see README "CRD conversion webhooks".
import { startSampleConversionWebhook } from '../sample-apiserver/conversion-webhook.js';
import { logger } from '../util/log.js';
import { commandFlags, type FlagSpec } from './flags.js';
import { servingFlags, servingOptions } from './serving-flags.js';
import { waitForSignal } from './signals.js';

const flags: Record<string, FlagSpec> = {
  ...servingFlags('the CRD\'s caBundle'),
  help: { type: 'bool', help: 'show this help' },
};

export async function runSampleConversionWebhookCommand(args: string[]): Promise<number> {
  const f = commandFlags('sample-conversion-webhook', 'Answers ConversionReviews: v1 spec.size (quantity) <-> v2 spec.sizeBytes (integer).', args, flags);
  if (!f) return 0;
  const { server, port } = await startSampleConversionWebhook(servingOptions(f));
  logger('sample-conversion-webhook')('serving', { port });
  await waitForSignal();
  server.closeAllConnections();
  server.close();
  return 0;
}
