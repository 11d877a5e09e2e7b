// Names for the CSI messages and enums that k8ts code uses, over the shapes generated from csi.proto
// (npm run gen:csi) with the options both ends decode with (loader-options.ts).
//
// Each message has two generated shapes: what may be sent (`X`: every field optional) and what is
// received (`X__Output`: every field present, nested messages possibly null, enums as names). A
// client sends requests and receives responses; a server (the reference driver) receives requests
// and sends responses, so it uses the `__Output` request shapes.
export type { ControllerHandlers } from './generated/csi/v1/Controller.js';
export type { IdentityHandlers } from './generated/csi/v1/Identity.js';
export type { NodeHandlers } from './generated/csi/v1/Node.js';
export type { RegistrationHandlers } from './generated/pluginregistration/Registration.js';

export type { Topology, Topology__Output } from './generated/csi/v1/Topology.js';
export type { TopologyRequirement, TopologyRequirement__Output } from './generated/csi/v1/TopologyRequirement.js';
export type { Volume, Volume__Output } from './generated/csi/v1/Volume.js';
export type { VolumeCapability, VolumeCapability__Output } from './generated/csi/v1/VolumeCapability.js';
export type { VolumeUsage, VolumeUsage__Output } from './generated/csi/v1/VolumeUsage.js';
export type { PluginInfo, PluginInfo__Output } from './generated/pluginregistration/PluginInfo.js';

import type { _csi_v1_ControllerServiceCapability_RPC_Type__Output } from './generated/csi/v1/ControllerServiceCapability.js';
import type { _csi_v1_NodeServiceCapability_RPC_Type__Output } from './generated/csi/v1/NodeServiceCapability.js';
import type { _csi_v1_PluginCapability_Service_Type__Output } from './generated/csi/v1/PluginCapability.js';
import type { _csi_v1_VolumeCapability_AccessMode_Mode__Output } from './generated/csi/v1/VolumeCapability.js';

/** A plugin capability of the Identity service (CONTROLLER_SERVICE, VOLUME_ACCESSIBILITY_CONSTRAINTS, ...). */
export type PluginCapability = _csi_v1_PluginCapability_Service_Type__Output;
/** An RPC capability of the Controller service. */
export type ControllerCapability = _csi_v1_ControllerServiceCapability_RPC_Type__Output;
/** An RPC capability of the Node service. */
export type NodeCapability = _csi_v1_NodeServiceCapability_RPC_Type__Output;
/** A CSI access mode (SINGLE_NODE_WRITER, MULTI_NODE_MULTI_WRITER, ...). */
export type CsiAccessMode = _csi_v1_VolumeCapability_AccessMode_Mode__Output;

/** The plugin type a CSI driver registers with (PluginInfo.type), as upstream's pluginregistration.CSIPlugin. */
export const CSI_PLUGIN_TYPE = 'CSIPlugin';
