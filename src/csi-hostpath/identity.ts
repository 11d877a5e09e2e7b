// The CSI Identity service of the hostpath driver: who it is, that it has a Controller service and
// topology-constrained volumes that grow while in use, and that it is ready.
import type { IdentityHandlers } from '../client/csi/types.js';
import type { DriverContext } from './context.js';
import { unary } from './errors.js';

export function identityService(ctx: DriverContext): IdentityHandlers {
  return {
    GetPluginInfo: unary('GetPluginInfo', ctx.log, async () => ({ name: ctx.name, vendorVersion: ctx.vendorVersion })),
    GetPluginCapabilities: unary('GetPluginCapabilities', ctx.log, async () => ({
      capabilities: [
        { service: { type: 'CONTROLLER_SERVICE' } },
        { service: { type: 'VOLUME_ACCESSIBILITY_CONSTRAINTS' } },
        { volumeExpansion: { type: 'ONLINE' } },
      ],
    })),
    // Ready once serving: the state file was loaded before the socket was opened.
    Probe: unary('Probe', ctx.log, async () => ({ ready: { value: true } })),
  };
}
