// --cluster-signing-duration, as kube-controller-manager's: the longest certificate the CSR signer
// issues, a Go duration (default 8760h, a year). `k8ts server` and `k8ts controller-manager` both
// run the signer, so both take it.
import { durationFlagMs, FlagError, type FlagSpec, type FlagValues } from './flags.js';

export const signingDurationFlag: FlagSpec = {
  type: 'string', default: '8760h', help: 'longest certificate the CSR signer issues (e.g. 720h); a CSR\'s expirationSeconds may ask for less',
};

/** The flag in whole seconds (what the signer caps expirationSeconds with); at least 1s. */
export function signingDurationSeconds(flags: FlagValues): number {
  const ms = durationFlagMs(flags, 'cluster-signing-duration');
  if (ms < 1000) throw new FlagError(`invalid value "${flags['cluster-signing-duration']}" for --cluster-signing-duration: must be at least 1s`);
  return Math.floor(ms / 1000);
}
