// The CSR cleaner (upstream's csrcleaner): requests do not pile up. Removed are: an issued
// certificate once expired, or an hour after approval; a denied or failed request after an hour;
// one still pending after a day.
import { isApproved, isDenied, isFailed, isIssued, type CsrObject } from '../../api/csr.js';
import { certificateValidity } from '../../pki/csr.js';
import { objectPath, R } from '../../client/resources.js';
import { ignoreNotFound } from '../../client/api-errors.js';
import type { Controller } from '../types.js';

const HOUR_MS = 3600_000;
export const PENDING_EXPIRATION_MS = 24 * HOUR_MS;
export const APPROVED_EXPIRATION_MS = HOUR_MS;
export const DENIED_EXPIRATION_MS = HOUR_MS;
/** Timers are capped (a setTimeout longer than ~24.8 days fires at once); a later look recomputes. */
const MAX_WAIT_MS = HOUR_MS;

/** When the cleaner removes this request (ms since epoch). Exported for tests. */
export function removeAt(csr: CsrObject): number {
  const created = Date.parse(csr.metadata.creationTimestamp ?? '') || Date.now();
  const conditionTime = (type: string) => {
    const c = csr.status?.conditions?.find(x => x.type === type);
    return Date.parse(c?.lastUpdateTime ?? c?.lastTransitionTime ?? '') || created;
  };
  const times: number[] = [];
  if (isIssued(csr)) {
    try {
      times.push(certificateValidity(Buffer.from(csr.status!.certificate!, 'base64').toString('utf8')).notAfter.getTime());
    } catch {
      times.push(Date.now());
    }
    if (isApproved(csr)) times.push(conditionTime('Approved') + APPROVED_EXPIRATION_MS);
  }
  if (isDenied(csr)) times.push(conditionTime('Denied') + DENIED_EXPIRATION_MS);
  if (isFailed(csr)) times.push(conditionTime('Failed') + DENIED_EXPIRATION_MS);
  if (!isIssued(csr) && !isDenied(csr) && !isFailed(csr)) times.push(created + PENDING_EXPIRATION_MS);
  return Math.min(...times);
}

export function csrCleanerController(): Controller {
  return {
    name: 'csrcleaner',
    watches: [{ resource: R.certificatesigningrequests }],
    workers: 1,
    async reconcile(key, ctx) {
      const csr = ctx.informer<CsrObject>(R.certificatesigningrequests).get(key);
      if (!csr || csr.metadata.deletionTimestamp) return;
      const left = removeAt(csr) - Date.now();
      if (left > 0) {
        ctx.requeueAfter(key, Math.min(left + 50, MAX_WAIT_MS));
        return;
      }
      ctx.log('removing certificate signing request', { csr: key });
      await ignoreNotFound(ctx.client.delete(objectPath(R.certificatesigningrequests, undefined, csr.metadata.name!), {
        kind: 'DeleteOptions', apiVersion: 'v1', preconditions: { uid: csr.metadata.uid },
      }));
    },
  };
}
