// Where a pod's cgroup sits, as upstream's kubelet lays it out with cgroupsPerQOS and the cgroupfs
// driver: Guaranteed pods directly under the pods' cgroup (--cgroup-root), Burstable and BestEffort
// ones under a cgroup per QoS class, each pod in `pod<uid>`; the pod's sandbox and containers in
// cgroups the runtime makes below that.
import { posix } from 'node:path';
import type { QosClass } from '../../api/pod-qos.js';

/** The QoS classes with a cgroup of their own, and its name. */
export const QOS_CGROUP_NAMES: Readonly<Record<Exclude<QosClass, 'Guaranteed'>, string>> = { Burstable: 'burstable', BestEffort: 'besteffort' };

const POD_PREFIX = 'pod';

/** The parent of a QoS class's pods: the pods' cgroup itself for Guaranteed. */
export function qosCgroup(root: string, qos: QosClass): string {
  return qos === 'Guaranteed' ? root : posix.join(root, QOS_CGROUP_NAMES[qos]);
}

export function podCgroup(root: string, qos: QosClass, uid: string): string {
  return posix.join(qosCgroup(root, qos), `${POD_PREFIX}${uid}`);
}

/** The pod uid a cgroup directory's name stands for (`pod<uid>`), or undefined for any other name. */
export function podUidOf(dirName: string): string | undefined {
  return dirName.startsWith(POD_PREFIX) && dirName.length > POD_PREFIX.length ? dirName.slice(POD_PREFIX.length) : undefined;
}
