// Loads the CSI spec (csi.proto, package csi.v1) and the kubelet plugin-registration API
// (pluginregistration.proto) once, with the options the generated types describe. Both ends use
// it: clients (kubelet, controllers) build stubs from the service constructors; servers (the
// reference driver and its registrar) add the `service` definitions to a grpc.Server.
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { join } from 'node:path';
import type { ProtoGrpcType as CsiProto } from './generated/csi.js';
import type { ProtoGrpcType as RegistrationProto } from './generated/pluginregistration.js';
import { INSTALL_ROOT } from '../../util/install-root.js';
import { CSI_LOADER_OPTIONS } from './loader-options.js';

// The .proto files ship in the installation's source tree (also in the k8ts image, for the driver).
export const CSI_PROTO_PATH = join(INSTALL_ROOT, 'src/client/csi/csi.proto');
export const REGISTRATION_PROTO_PATH = join(INSTALL_ROOT, 'src/client/csi/pluginregistration.proto');

export type CsiPackage = CsiProto['csi']['v1'];
export type RegistrationPackage = RegistrationProto['pluginregistration'];

let csi: CsiPackage | undefined;
let registration: RegistrationPackage | undefined;

/** The csi.v1 package: Identity, Controller, Node service constructors and their definitions. */
export function csiPackage(): CsiPackage {
  csi ??= (grpc.loadPackageDefinition(protoLoader.loadSync(CSI_PROTO_PATH, CSI_LOADER_OPTIONS)) as unknown as CsiProto).csi.v1;
  return csi;
}

/** The pluginregistration package: the Registration service a plugin serves to the kubelet. */
export function registrationPackage(): RegistrationPackage {
  registration ??= (grpc.loadPackageDefinition(protoLoader.loadSync(REGISTRATION_PROTO_PATH, CSI_LOADER_OPTIONS)) as unknown as RegistrationProto).pluginregistration;
  return registration;
}

/** `unix:///csi/csi.sock` or a bare socket path → a gRPC target (CSI endpoints are unix sockets). */
export function csiTarget(endpoint: string): string {
  if (endpoint.startsWith('unix:')) return endpoint;
  if (endpoint.startsWith('/')) return `unix://${endpoint}`;
  throw new Error(`CSI endpoint must be a unix socket (unix:///path or /path), got ${JSON.stringify(endpoint)}`);
}

/** The filesystem path of a unix endpoint (`unix:///a/b.sock` or `/a/b.sock` → `/a/b.sock`). */
export function socketPath(endpoint: string): string {
  if (endpoint.startsWith('unix://')) return endpoint.slice('unix://'.length);
  if (endpoint.startsWith('unix:')) return endpoint.slice('unix:'.length);
  return endpoint;
}
