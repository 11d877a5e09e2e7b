// external-provisioner's decisions as pure functions: whether a claim is this driver's to
// provision now, the CreateVolume request for it, the PersistentVolume that records the result,
// and what a failed CreateVolume means for the next attempt.
import type { NodeSelectorTerm, SecretReference, TopologySelectorTerm } from '../../api/types/generated.js';
import type { CSINode, Node, PersistentVolume, PersistentVolumeClaim, StorageClass } from './types.js';
import { formatQuantity, parseQuantity, scaledValue } from '../../api/quantity.js';
import type { CreateVolumeRequest } from '../../client/csi/generated/csi/v1/CreateVolumeRequest.js';
import type { Topology, TopologyRequirement, Volume__Output } from '../../client/csi/types.js';
import { type ClassParameters, SECRET_KINDS, type SecretKind } from './class-parameters.js';
import {
  ANN_BETA_STORAGE_PROVISIONER, ANN_PROVISIONED_BY, ANN_SELECTED_NODE, ANN_STORAGE_PROVISIONER, claimReference,
} from '../../api/volume-binding.js';
import { ANN_DELETION_SECRET_NAME, ANN_DELETION_SECRET_NAMESPACE, PROVISIONER_FINALIZER, PROVISIONER_IDENTITY_KEY, provisionedVolumeName } from './csi-names.js';
import { claimCapabilities } from './volume-capability.js';

export class ProvisioningError extends Error {}

/** Whether the claim is this driver's to provision, and if so whether it can be done now. */
export type ProvisionDecision = { action: 'ignore' } | { action: 'provision'; selectedNode?: string };

/** The claim names `driver` as its provisioner and is not bound or being deleted (upstream's shouldProvision). */
export function claimWantsDriver(claim: PersistentVolumeClaim, driver: string): boolean {
  const ann = claim.metadata.annotations ?? {};
  const provisioner = ann[ANN_STORAGE_PROVISIONER] ?? ann[ANN_BETA_STORAGE_PROVISIONER];
  return provisioner === driver && !claim.spec?.volumeName && !claim.metadata.deletionTimestamp;
}

export function provisionDecision(claim: PersistentVolumeClaim, cls: StorageClass | undefined, driver: string): ProvisionDecision {
  if (!claimWantsDriver(claim, driver)) return { action: 'ignore' };
  // A class that names another provisioner is not ours even if the annotation says so.
  if (cls && cls.provisioner !== driver) return { action: 'ignore' };
  const selectedNode = claim.metadata.annotations?.[ANN_SELECTED_NODE];
  // WaitForFirstConsumer: nothing until the scheduler has picked a node.
  if (cls?.volumeBindingMode === 'WaitForFirstConsumer' && !selectedNode) return { action: 'ignore' };
  return { action: 'provision', selectedNode };
}

/** The requested size in bytes (upstream's capacity.Value(): rounded up to a whole byte). */
export function requestedBytes(claim: PersistentVolumeClaim): number {
  const text = claim.spec?.resources?.requests?.storage;
  if (text === undefined) throw new ProvisioningError('claim has no storage request');
  return Number(scaledValue(parseQuantity(text)));
}

/** Bytes as a Quantity, as upstream writes capacities (resource.NewQuantity(n, BinarySI)). */
export const bytesQuantity = (bytes: number): string => formatQuantity({ digits: BigInt(bytes), scale: 0, format: 'BinarySI' });

/** One driver's entry in a CSINode, with the node's labels: the node's topology segment. */
export function nodeSegment(node: Node, csiNode: CSINode | undefined, driver: string): Record<string, string> | undefined {
  const keys = csiNode?.spec.drivers.find(d => d.name === driver)?.topologyKeys;
  if (!keys) return undefined;
  const segment: Record<string, string> = {};
  for (const k of keys) {
    const v = node.metadata?.labels?.[k];
    if (v === undefined) return undefined;
    segment[k] = v;
  }
  return segment;
}

const segmentKey = (s: Record<string, string>): string => JSON.stringify(Object.entries(s).sort());

/** A segment satisfies a class's allowedTopologies when some term's every expression holds for it. */
function allowed(segment: Record<string, string>, terms: TopologySelectorTerm[] | undefined): boolean {
  if (!terms?.length) return true;
  return terms.some(t => (t.matchLabelExpressions ?? []).every(e => e.values.includes(segment[e.key])));
}

/**
 * CreateVolume's accessibility requirements (upstream's GenerateAccessibilityRequirements without
 * strict topology): requisite = every segment where the driver runs that the class's
 * allowedTopologies admit; preferred = the same, the selected node's first. With a selected node
 * whose topology is unknown or not allowed, provisioning cannot honour the scheduler's choice and fails.
 */
export function accessibilityRequirements(driver: string, nodes: { node: Node; csiNode?: CSINode }[], selectedNode?: string, allowedTopologies?: TopologySelectorTerm[]): TopologyRequirement | undefined {
  const segments = new Map<string, Record<string, string>>();
  let selected: Record<string, string> | undefined;
  for (const { node, csiNode } of nodes) {
    const s = nodeSegment(node, csiNode, driver);
    if (!s || !allowed(s, allowedTopologies)) continue;
    if (node.metadata?.name === selectedNode) selected = s;
    segments.set(segmentKey(s), s);
  }
  if (selectedNode && !selected) {
    throw new ProvisioningError(`topology labels from selected node "${selectedNode}" do not match the topology keys of driver "${driver}" in its CSINode, or the class's allowedTopologies`);
  }
  if (segments.size === 0) return undefined;
  const all = [...segments.values()].sort((a, b) => segmentKey(a).localeCompare(segmentKey(b)));
  const toTopology = (s: Record<string, string>): Topology => ({ segments: s });
  const preferred = selected ? [selected, ...all.filter(s => segmentKey(s) !== segmentKey(selected!))] : all;
  return { requisite: all.map(toTopology), preferred: preferred.map(toTopology) };
}

export interface CreateVolumeInputs {
  claim: PersistentVolumeClaim;
  params: ClassParameters;
  mountOptions?: string[];
  singleNodeMultiWriter: boolean;
  topology?: TopologyRequirement;
  /** The provisioner secret's contents, when the class names one. */
  secrets?: Record<string, string>;
}

export function createVolumeRequest(i: CreateVolumeInputs): CreateVolumeRequest {
  const claim = i.claim;
  if (claim.spec?.selector) throw new ProvisioningError('claim Selector is not supported');
  if (claim.spec?.dataSource || claim.spec?.dataSourceRef) throw new ProvisioningError('volume data sources (snapshots, clones, populators) are not supported by this provisioner');
  const block = claim.spec?.volumeMode === 'Block';
  return {
    name: provisionedVolumeName(claim.metadata.uid!),
    capacityRange: { requiredBytes: requestedBytes(claim), limitBytes: 0 },
    volumeCapabilities: claimCapabilities(claim.spec?.accessModes ?? [], {
      block, fsType: i.params.fsType, mountFlags: i.mountOptions, singleNodeMultiWriter: i.singleNodeMultiWriter,
    }),
    parameters: i.params.driverParameters,
    secrets: i.secrets ?? {},
    ...(i.topology ? { accessibilityRequirements: i.topology } : {}),
  };
}

/** Accessible topology → the PV's required node affinity: one term per segment, all keys In that value. */
export function nodeAffinityTerms(topology: Volume__Output['accessibleTopology']): NodeSelectorTerm[] | undefined {
  if (!topology?.length) return undefined;
  return topology.map(t => ({
    matchExpressions: Object.keys(t.segments).sort().map(key => ({ key, operator: 'In', values: [t.segments[key]] })),
  }));
}

export interface PersistentVolumeInputs {
  claim: PersistentVolumeClaim;
  cls: StorageClass;
  driver: string;
  /** Identifies this provisioner instance in the volume context (`<start ms>-<random>-<driver>`). */
  identity: string;
  volume: Volume__Output;
  params: ClassParameters;
  /** Resolved secret references by call, for the PV's csi source and the deletion annotations. */
  secretRefs: Partial<Record<SecretKind, SecretReference>>;
}

/** The PV recording a created volume, pre-bound to its claim (upstream's Provision result). */
export function provisionedPersistentVolume(i: PersistentVolumeInputs): PersistentVolume {
  const { claim, cls, volume } = i;
  const block = claim.spec?.volumeMode === 'Block';
  const bytes = volume.capacityBytes > 0 ? volume.capacityBytes : requestedBytes(claim);
  const annotations: Record<string, string> = { [ANN_PROVISIONED_BY]: i.driver };
  if (i.secretRefs.provisioner) {
    annotations[ANN_DELETION_SECRET_NAME] = i.secretRefs.provisioner.name!;
    annotations[ANN_DELETION_SECRET_NAMESPACE] = i.secretRefs.provisioner.namespace!;
  }
  const csiRefs: Record<string, SecretReference> = {};
  for (const [kind, ref] of Object.entries(i.secretRefs) as [SecretKind, SecretReference][]) {
    const field = SECRET_KINDS[kind].pvField;
    if (field) csiRefs[field] = ref;
  }
  const terms = nodeAffinityTerms(volume.accessibleTopology);
  const reclaimPolicy = cls.reclaimPolicy ?? 'Delete';
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolume',
    metadata: {
      name: provisionedVolumeName(claim.metadata.uid!), annotations,
      ...(reclaimPolicy === 'Delete' ? { finalizers: [PROVISIONER_FINALIZER] } : {}),
    },
    spec: {
      accessModes: claim.spec?.accessModes,
      capacity: { storage: bytesQuantity(bytes) },
      claimRef: claimReference(claim),
      persistentVolumeReclaimPolicy: reclaimPolicy,
      storageClassName: cls.metadata.name,
      volumeMode: block ? 'Block' : 'Filesystem',
      ...(cls.mountOptions?.length ? { mountOptions: cls.mountOptions } : {}),
      ...(terms ? { nodeAffinity: { required: { nodeSelectorTerms: terms } } } : {}),
      csi: {
        driver: i.driver,
        volumeHandle: volume.volumeId,
        ...(!block && i.params.fsType ? { fsType: i.params.fsType } : {}),
        volumeAttributes: { ...volume.volumeContext, [PROVISIONER_IDENTITY_KEY]: i.identity },
        ...csiRefs,
      },
    },
  };
}

/**
 * What a failed CreateVolume means (upstream's checkError), by gRPC status code (undefined: the
 * call never got a gRPC answer). `background`: the driver may still be working, call again with the
 * same name; `reschedule`: give the scheduler the choice of node back; `final`: it failed, retry later.
 */
export type FailureState = 'background' | 'reschedule' | 'final';

export function provisioningFailureState(code: number | undefined, mayReschedule: boolean): FailureState {
  const RESOURCE_EXHAUSTED = 8;
  const IN_PROGRESS = new Set([1 /* Canceled */, 4 /* DeadlineExceeded */, 14 /* Unavailable */, 10 /* Aborted */]);
  if (code === undefined) return 'background';
  if (code === RESOURCE_EXHAUSTED) return mayReschedule ? 'reschedule' : 'background';
  if (IN_PROGRESS.has(code)) return 'background';
  return mayReschedule ? 'reschedule' : 'final';
}
