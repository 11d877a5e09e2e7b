// Priority admission, as upstream's plugin/pkg/admission/priority:
// - a new pod gets spec.priority (and spec.preemptionPolicy) from its PriorityClass, or from the
//   global default class when it names none (then it also gets that class's name), or 0 and
//   PreemptLowerPriority when there is no default; naming a class that does not exist, or giving
//   a priority or policy that differs from the class's, is Forbidden;
// - an update that leaves those fields out keeps the pod's values (they never change);
// - of PriorityClasses, only one may be the global default.
// Resolving this once at admission is what lets the scheduler, preemption and the kubelet read
// spec.priority alone.
import { ForbiddenError } from '../../api/errors.js';
import type { KubeObject } from '../../api/object.js';
import type { PodSpec, PriorityClass } from '../../api/types/generated.js';
import type { Registry } from '../registry/registry.js';
import { isPodCreate, type AdmissionAttributes, type AdmissionPlugin } from './types.js';

type Pod = KubeObject & { spec: PodSpec };
type Class = KubeObject & Omit<PriorityClass, 'metadata'>;

/** scheduling.DefaultPriorityWhenNoDefaultClassExists. */
const NO_DEFAULT_PRIORITY = 0;
const DEFAULT_PREEMPTION_POLICY = 'PreemptLowerPriority';

export function priorityAdmission(registry: () => Registry): AdmissionPlugin {
  const classes = () => registry().get('scheduling.k8s.io', 'priorityclasses');

  /** Should a race leave two defaults, the lower value wins, as upstream picks. */
  function defaultClass(): Class | undefined {
    let found: Class | undefined;
    for (const { object } of classes().cache.list()) {
      const pc = object as Class;
      if (pc.globalDefault && (!found || pc.value < found.value)) found = pc;
    }
    return found;
  }

  function admitNewPod(a: AdmissionAttributes, pod: Pod): void {
    const spec = pod.spec;
    const forbidden = (why: string) => {
      const name = pod.metadata.name || pod.metadata.generateName || a.name;
      return new ForbiddenError(`pods "${name}" is forbidden: ${why}`, { group: '', resource: 'pods', name });
    };
    let priority: number;
    let policy: string | undefined;
    if (!spec.priorityClassName) {
      const pc = defaultClass();
      if (pc) spec.priorityClassName = pc.metadata.name;
      priority = pc?.value ?? NO_DEFAULT_PRIORITY;
      policy = pc ? pc.preemptionPolicy : DEFAULT_PREEMPTION_POLICY;
    } else {
      const pc = classes().getCached('', spec.priorityClassName)?.object as Class | undefined;
      if (!pc) throw forbidden(`no PriorityClass with name ${spec.priorityClassName} was found`);
      priority = pc.value;
      policy = pc.preemptionPolicy;
    }
    if (spec.priority !== undefined && spec.priority !== null && spec.priority !== priority) {
      throw forbidden(`the integer value of priority (${spec.priority}) must not be provided in pod spec; priority admission controller computed ${priority} from the given PriorityClass name`);
    }
    spec.priority = priority;
    if (policy !== undefined) {
      if (spec.preemptionPolicy && spec.preemptionPolicy !== policy) {
        throw forbidden(`the string value of PreemptionPolicy (${spec.preemptionPolicy}) must not be provided in pod spec; priority admission controller computed ${policy} from the given PriorityClass name`);
      }
      spec.preemptionPolicy = policy;
    }
  }

  return {
    name: 'Priority',
    admit(a: AdmissionAttributes): void {
      if (isPodCreate(a)) return admitNewPod(a, a.object as Pod);
      if (a.operation !== 'UPDATE' || a.subresource || a.resource.group !== '' || a.resource.resource !== 'pods') return;
      const pod = a.object as Pod | undefined;
      const old = a.oldObject as Pod | undefined;
      if (!pod?.spec || !old) return;
      pod.spec.priority ??= old.spec.priority;
      pod.spec.preemptionPolicy ??= old.spec.preemptionPolicy;
    },
    validate(a: AdmissionAttributes): void {
      if (a.subresource || a.resource.group !== 'scheduling.k8s.io' || a.resource.resource !== 'priorityclasses' || !a.object) return;
      if (a.operation !== 'CREATE' && a.operation !== 'UPDATE') return;
      const pc = a.object as Class;
      if (!pc.globalDefault) return;
      const current = defaultClass();
      if (current && (a.operation === 'CREATE' || current.metadata.name !== pc.metadata.name)) {
        throw new ForbiddenError(`priorityclasses.scheduling.k8s.io "${pc.metadata.name}" is forbidden: PriorityClass ${current.metadata.name} is already marked as default. Only one default can exist`,
          { group: 'scheduling.k8s.io', resource: 'priorityclasses', name: pc.metadata.name ?? '' });
      }
    },
  };
}
