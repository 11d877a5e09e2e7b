// CertificateSigningRequests (upstream pkg/registry/certificates/certificates): status only through
// /status; selectable by signer.
import { statusSplitStrategy, type ResourceStrategy } from '../strategy.js';

export const certificateSigningRequestStrategy: ResourceStrategy = statusSplitStrategy({
  fieldSelectors: { 'spec.signerName': o => o.spec?.signerName },
});
