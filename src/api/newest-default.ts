// Choosing the default among class objects (IngressClass, StorageClass) when several are marked:
// the newest wins, then the first name, as upstream picks since 1.28 (volume util.GetDefaultClass,
// ingress's defaultIngressClass).
import type { KubeObject } from './object.js';

export function newestDefault(classes: KubeObject[], isDefault: (c: KubeObject) => boolean): KubeObject | undefined {
  const time = (c: KubeObject) => Date.parse(c.metadata.creationTimestamp ?? '') || 0;
  return classes
    .filter(isDefault)
    .sort((x, y) => time(y) - time(x) || (x.metadata.name ?? '').localeCompare(y.metadata.name ?? ''))[0];
}
