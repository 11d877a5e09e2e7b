// The compiled policies and their bindings, kept current from the registry's watch caches: any
// change to a policy or binding marks the set stale and the next request rebuilds it, reusing
// the compiled form of every policy whose generation did not change. No request reads the store.
import type { Obj } from '../../../api/validation/types.js';
import type { Registry } from '../../registry/registry.js';
import { CompiledPolicy } from './compiled-policy.js';
import { paramKindText, paramResource } from './params.js';

const GROUP = 'admissionregistration.k8s.io';

export interface PolicyHook {
  compiled: CompiledPolicy;
  /** Set when the policy cannot be applied at all (failed to configure policy: ...). */
  configError?: string;
  bindings: Obj[];
}

export class PolicySource {
  private stale = true;
  private subscribed = false;
  private hooks: PolicyHook[] = [];
  private compiled = new Map<string, CompiledPolicy>();

  constructor(private readonly registry: () => Registry) {}

  /** Every policy that has at least one binding, by name. */
  current(): PolicyHook[] {
    if (!this.subscribed) {
      this.subscribed = true;
      for (const resource of ['validatingadmissionpolicies', 'validatingadmissionpolicybindings']) {
        this.registry().get(GROUP, resource).cache.subscribe(() => { this.stale = true; });
      }
    }
    if (this.stale) {
      this.stale = false;
      this.hooks = this.build();
    }
    return this.hooks;
  }

  private build(): PolicyHook[] {
    const registry = this.registry();
    const bindingsByPolicy = new Map<string, Obj[]>();
    for (const { object } of registry.get(GROUP, 'validatingadmissionpolicybindings').cache.list()) {
      const name: string = (object as Obj).spec?.policyName ?? '';
      bindingsByPolicy.set(name, [...(bindingsByPolicy.get(name) ?? []), object as Obj]);
    }
    const compiled = new Map<string, CompiledPolicy>();
    const hooks: PolicyHook[] = [];
    for (const { object } of registry.get(GROUP, 'validatingadmissionpolicies').cache.list()) {
      const policy = object as Obj;
      const key = `${policy.metadata?.uid}/${policy.metadata?.generation}`;
      const c = this.compiled.get(key) ?? new CompiledPolicy(policy);
      compiled.set(key, c);
      const bindings = (bindingsByPolicy.get(policy.metadata?.name) ?? []).sort((a, b) => String(a.metadata?.name).localeCompare(String(b.metadata?.name)));
      if (!bindings.length) continue;
      const pk = policy.spec?.paramKind;
      const configError = c.configError ?? (pk && !paramResource(registry, pk) ? `failed to find resource referenced by paramKind: '${paramKindText(pk)}'` : undefined);
      hooks.push({ compiled: c, configError, bindings });
    }
    this.compiled = compiled;
    return hooks.sort((a, b) => a.compiled.name.localeCompare(b.compiled.name));
  }
}
