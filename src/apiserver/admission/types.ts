// Admission: plugins that may mutate (admit) or reject (validate) a write after defaulting and
// before it is stored, as upstream's admission chain.
import type { KubeObject } from '../../api/object.js';
import type { ResourceInfo } from '../../api/catalog.js';
import type { RequestContext } from '../context.js';

export type AdmissionOperation = 'CREATE' | 'UPDATE' | 'DELETE' | 'CONNECT';

export interface AdmissionAttributes {
  resource: ResourceInfo;
  operation: AdmissionOperation;
  namespace: string;
  name: string;
  subresource: string;
  object?: KubeObject;
  oldObject?: KubeObject;
  ctx: RequestContext;
}

/** A new pod itself (not a subresource): what the pod-defaulting plugins act on. */
export function isPodCreate(a: AdmissionAttributes): a is AdmissionAttributes & { object: KubeObject } {
  return a.operation === 'CREATE' && !a.subresource && a.resource.group === '' && a.resource.resource === 'pods' && !!a.object;
}

export interface AdmissionPlugin {
  readonly name: string;
  /** Mutating phase: may change attrs.object. Throws a StatusError to reject. */
  admit?(attrs: AdmissionAttributes): void | Promise<void>;
  /** Validating phase: must not change anything. Throws a StatusError to reject. */
  validate?(attrs: AdmissionAttributes): void | Promise<void>;
}

export class AdmissionChain {
  constructor(private readonly plugins: AdmissionPlugin[]) {}

  async admit(attrs: AdmissionAttributes): Promise<void> {
    for (const p of this.plugins) await p.admit?.(attrs);
  }

  async validate(attrs: AdmissionAttributes): Promise<void> {
    for (const p of this.plugins) await p.validate?.(attrs);
  }
}
