// Defaults for discovery.k8s.io/v1 EndpointSlice (pkg/apis/discovery/v1/defaults.go).
import type { Defaulter } from './types.js';

export const discoveryDefaults: Record<string, Defaulter> = {
  EndpointSlice(o) {
    for (const p of o.ports ?? []) {
      // An unnamed port is the empty name, which consumers match against unnamed Service ports.
      p.name ??= '';
      p.protocol ??= 'TCP';
    }
  },
};
