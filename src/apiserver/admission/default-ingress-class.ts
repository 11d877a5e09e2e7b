// DefaultIngressClass, as upstream's plugin/pkg/admission/network/defaultingressclass: a new
// Ingress that names no class (neither spec.ingressClassName nor the legacy
// kubernetes.io/ingress.class annotation) gets the default IngressClass, the one annotated
// ingressclass.kubernetes.io/is-default-class: "true". Should several be marked, the newest wins
// (ties: the first name), as upstream picks since 1.28; with none, the Ingress stays classless.
import { DEFAULT_INGRESS_CLASS_ANNOTATION, LEGACY_INGRESS_CLASS_ANNOTATION } from '../../api/ingress-class.js';
import type { KubeObject } from '../../api/object.js';
import type { IngressSpec } from '../../api/types/generated.js';
import type { Registry } from '../registry/registry.js';
import { newestDefault } from '../../api/newest-default.js';
import type { AdmissionAttributes, AdmissionPlugin } from './types.js';

export function defaultIngressClass(registry: () => Registry): AdmissionPlugin {
  return defaultIngressClassFrom(() => registry().get('networking.k8s.io', 'ingressclasses').cache.list().map(e => e.object));
}

/** The plugin over any source of the current IngressClasses (the registry's cache in the server). */
export function defaultIngressClassFrom(classes: () => KubeObject[]): AdmissionPlugin {
  return {
    name: 'DefaultIngressClass',
    admit(a: AdmissionAttributes): void {
      if (a.operation !== 'CREATE' || a.subresource || a.resource.group !== 'networking.k8s.io' || a.resource.resource !== 'ingresses' || !a.object) return;
      const ingress = a.object as KubeObject & { spec?: IngressSpec };
      if (ingress.spec?.ingressClassName !== undefined && ingress.spec.ingressClassName !== null) return;
      if (ingress.metadata.annotations?.[LEGACY_INGRESS_CLASS_ANNOTATION] !== undefined) return;
      const chosen = newestDefault(classes(), c => c.metadata.annotations?.[DEFAULT_INGRESS_CLASS_ANNOTATION] === 'true');
      if (chosen) (ingress.spec ??= {}).ingressClassName = chosen.metadata.name;
    },
  };
}
