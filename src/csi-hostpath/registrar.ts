// The driver's own node-driver-registrar: it serves the kubelet plugin-registration service on
// `<registration dir>/<driver>-reg.sock` (the kubelet's plugins_registry directory, mounted into the
// pod). The kubelet's plugin watcher finds the socket, asks GetInfo (a CSI plugin, its name, the
// endpoint of its CSI socket as the kubelet sees it, the CSI versions it speaks) and reports the
// outcome through NotifyRegistrationStatus. Removing the socket at stop deregisters the driver.
import { join } from 'node:path';
import { CSI_PLUGIN_TYPE, type RegistrationHandlers } from '../client/csi/types.js';
import { registrationPackage } from '../client/csi/protocol.js';
import type { Logger } from '../util/log.js';
import { unary } from './errors.js';
import { UnixGrpcServer } from './grpc-server.js';

/** The CSI versions this driver speaks, as it tells the kubelet. */
export const SUPPORTED_VERSIONS = ['1.0.0'];

export interface RegistrarOptions {
  driverName: string;
  /** The kubelet's plugins_registry directory as this process sees it. */
  registrationDir: string;
  /** The driver's CSI socket as the kubelet sees it (upstream's --kubelet-registration-path). */
  kubeletRegistrationPath: string;
  log: Logger;
}

export type RegistrationState = { state: 'waiting' } | { state: 'registered' } | { state: 'rejected'; error: string };

export class Registrar {
  private readonly grpc: UnixGrpcServer;
  private current: RegistrationState = { state: 'waiting' };

  constructor(o: RegistrarOptions) {
    this.grpc = new UnixGrpcServer(join(o.registrationDir, `${o.driverName}-reg.sock`));
    const handlers: RegistrationHandlers = {
      GetInfo: unary('GetInfo', o.log, async () => ({
        type: CSI_PLUGIN_TYPE, name: o.driverName, endpoint: o.kubeletRegistrationPath, supportedVersions: SUPPORTED_VERSIONS,
      })),
      NotifyRegistrationStatus: unary('NotifyRegistrationStatus', o.log, async req => {
        this.current = req.pluginRegistered ? { state: 'registered' } : { state: 'rejected', error: req.error };
        if (req.pluginRegistered) o.log('registered with the kubelet', { driver: o.driverName });
        else o.log('the kubelet refused the registration', { driver: o.driverName, error: req.error });
        return {};
      }),
    };
    this.grpc.server.addService(registrationPackage().Registration.service, handlers);
  }

  get socket(): string {
    return this.grpc.path;
  }

  /** What the kubelet last said about the registration. */
  get status(): RegistrationState {
    return this.current;
  }

  start(): Promise<void> {
    return this.grpc.start();
  }

  stop(): Promise<void> {
    return this.grpc.stop();
  }
}
