// --authorization-mode: an ordered, comma-separated list of authorizers (AlwaysAllow, AlwaysDeny,
// Node, RBAC), asked in that order as upstream's union, always behind the `system:masters` group that
// may do anything.
import type { Registry } from '../registry/registry.js';
import { allowAllAuthorizer, alwaysDenyAuthorizer, authorizerChain, privilegedGroupsAuthorizer, type Authorizer } from './authorizer.js';
import { registryNodeAuthorizer } from './node/graph-populator.js';
import { rbacAuthorizer } from './rbac/authorizer.js';
import { registryRuleResolver } from './rbac/source.js';

export const AUTHORIZATION_MODES = ['AlwaysAllow', 'AlwaysDeny', 'Node', 'RBAC'] as const;
export type AuthorizationMode = typeof AUTHORIZATION_MODES[number];
export const DEFAULT_AUTHORIZATION_MODE = 'Node,RBAC';
export const SYSTEM_PRIVILEGED_GROUP = 'system:masters';

export class AuthorizationModeError extends Error {}

/** The modes of a flag value, checked as upstream does (known, each once, at least one). */
export function parseAuthorizationModes(value: string): AuthorizationMode[] {
  const modes = value.split(',').map(m => m.trim()).filter(Boolean);
  if (!modes.length) throw new AuthorizationModeError('at least one authorization-mode must be passed');
  const seen = new Set<string>();
  for (const m of modes) {
    if (!(AUTHORIZATION_MODES as readonly string[]).includes(m)) {
      throw new AuthorizationModeError(`authorization-mode "${m}" is not a valid mode (valid modes: ${AUTHORIZATION_MODES.join(', ')})`);
    }
    if (seen.has(m)) throw new AuthorizationModeError(`authorization-mode "${m}" has mode specified more than once`);
    seen.add(m);
  }
  return modes as AuthorizationMode[];
}

export function buildAuthorizer(modes: AuthorizationMode[], registry: Registry): Authorizer {
  const chain: Authorizer[] = [privilegedGroupsAuthorizer([SYSTEM_PRIVILEGED_GROUP])];
  for (const mode of modes) {
    switch (mode) {
      case 'AlwaysAllow': chain.push(allowAllAuthorizer); break;
      case 'AlwaysDeny': chain.push(alwaysDenyAuthorizer); break;
      case 'Node': chain.push(registryNodeAuthorizer(registry)); break;
      case 'RBAC': chain.push(rbacAuthorizer(registryRuleResolver(registry))); break;
    }
  }
  return authorizerChain(chain);
}
