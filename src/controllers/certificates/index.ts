// The certificates controllers of the controller manager: CSR approving, signing and cleaning, and
// the bootstrap token cleaner.
import type { PemPair } from '../../pki/certificates.js';
import type { Controller } from '../types.js';
import { csrApprovingController } from './approver.js';
import { csrCleanerController } from './cleaner.js';
import { csrSigningController } from './signer.js';
import { tokenCleanerController } from './token-cleaner.js';

export interface CertificateControllerOptions {
  /** The cluster CA with its key; without it nothing is signed (upstream's --cluster-signing-cert-file/key-file). */
  signingCA?: PemPair;
  /** Longest certificate the signer issues, in seconds (--cluster-signing-duration). */
  signingDurationSeconds?: number;
}

export function certificateControllers(o: CertificateControllerOptions): Controller[] {
  return [
    csrApprovingController(),
    ...(o.signingCA ? [csrSigningController({ ca: o.signingCA, durationSeconds: o.signingDurationSeconds })] : []),
    csrCleanerController(),
    tokenCleanerController(),
  ];
}
