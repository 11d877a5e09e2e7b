// Admission: plugins that may mutate (admit) or reject (validate) a write after defaulting and
// before it is stored, as upstream's admission chain.
import type { DeleteOptions, KubeObject } from '../../api/object.js';
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
  /** A DELETE's options as the request gave them (webhooks receive them). */
  options?: DeleteOptions;
  ctx: RequestContext;
  /** Set by the chain for the mutating phase: lets plugins ask for a second round. */
  reinvocation?: ReinvocationContext;
}

/**
 * Upstream's admission reinvocation: when a plugin (a mutating webhook) changed the object, the
 * whole mutating chain runs once more, so that earlier plugins see later changes. Plugins keep
 * their own state between the rounds under their name.
 */
export class ReinvocationContext {
  isReinvoke = false;
  shouldReinvoke = false;
  /** Made when a plugin first keeps something: most writes pass no plugin that does. */
  private values?: Map<string, unknown>;

  value<T>(plugin: string, init: () => T): T {
    const values = (this.values ??= new Map());
    if (!values.has(plugin)) values.set(plugin, init());
    return values.get(plugin) as T;
  }
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
  /** The plugins with each phase, in chain order: most plugins take part in one phase only. */
  private readonly phases: Record<'admit' | 'validate', AdmissionPlugin[]>;

  constructor(plugins: AdmissionPlugin[]) {
    this.phases = { admit: plugins.filter(p => p.admit), validate: plugins.filter(p => p.validate) };
  }

  async admit(attrs: AdmissionAttributes): Promise<void> {
    const reinvocation = (attrs.reinvocation ??= new ReinvocationContext());
    await this.run('admit', attrs);
    if (!reinvocation.shouldReinvoke) return;
    reinvocation.isReinvoke = true;
    await this.run('admit', attrs);
  }

  validate(attrs: AdmissionAttributes): Promise<void> {
    return this.run('validate', attrs);
  }

  // Most plugins answer at once for most writes: only a promise is awaited, as a suspension per
  // plugin and phase (two dozen per write) cost more than the plugins' own checks.
  private async run(phase: 'admit' | 'validate', attrs: AdmissionAttributes): Promise<void> {
    for (const p of this.phases[phase]) {
      const pending = p[phase]!(attrs);
      if (pending) await pending;
    }
  }
}
