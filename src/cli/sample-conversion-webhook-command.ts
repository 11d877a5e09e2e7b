// `k8ts sample-conversion-webhook`: the CRD conversion webhook of src/sample-apiserver, converting
// `spec.size` (v1) and `spec.sizeBytes` (v2); see README "CRD conversion webhooks".
import { readFileSync } from 'node:fs';
import { startSampleConversionWebhook } from '../sample-apiserver/conversion-webhook.js';
import { logger } from '../util/log.js';
import { commandFlags, FlagError, type FlagSpec } from './flags.js';
import { waitForSignal } from './signals.js';

const flags: Record<string, FlagSpec> = {
  'tls-cert-file': { type: 'string', help: 'PEM serving certificate (the CRD\'s caBundle must trust it)' },
  'tls-private-key-file': { type: 'string', help: 'PEM key of the serving certificate' },
  'secure-port': { type: 'int', default: 443, help: 'HTTPS port' },
  'bind-address': { type: 'string', default: '0.0.0.0', help: 'address to listen on' },
  help: { type: 'bool', help: 'show this help' },
};

export async function runSampleConversionWebhookCommand(args: string[]): Promise<number> {
  const f = commandFlags('sample-conversion-webhook', 'Answers ConversionReviews: v1 spec.size (quantity) <-> v2 spec.sizeBytes (integer).', args, flags);
  if (!f) return 0;
  if (!f['tls-cert-file'] || !f['tls-private-key-file']) throw new FlagError('--tls-cert-file and --tls-private-key-file are required');
  const { server, port } = await startSampleConversionWebhook({
    cert: readFileSync(String(f['tls-cert-file']), 'utf8'), key: readFileSync(String(f['tls-private-key-file']), 'utf8'),
    port: Number(f['secure-port']), bindAddress: String(f['bind-address']),
  });
  logger('sample-conversion-webhook')('serving', { port });
  await waitForSignal();
  server.closeAllConnections();
  server.close();
  return 0;
}
