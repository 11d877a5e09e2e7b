// Why any other object is as it is: its conditions, its owner chain and its events.
import type { KubeObject } from '../../api/object.js';
import type { Explanation } from '../../api/why.js';
import { conditionsSection, eventsSection, explanation, isHealthy, ownerFindings, type AnyCondition, type Event, type OwnerLink } from './common.js';

export interface ObjectContext {
  events: Event[];
  owners: OwnerLink[];
}

export function explainObject(obj: KubeObject, ctx: ObjectContext): Explanation {
  const status = obj.status as { conditions?: AnyCondition[] } | undefined;
  const conditions = Array.isArray(status?.conditions) ? status.conditions : [];
  const unhealthy = conditions.filter(c => !isHealthy(c));
  const warnings = ctx.events.filter(e => e.type === 'Warning');
  const summary = unhealthy.length
    ? `${unhealthy.map(c => `${c.type}=${c.status}${c.reason ? ` (${c.reason})` : ''}`).join(', ')}${unhealthy[0].message ? `: ${unhealthy[0].message}` : ''}`
    : conditions.length ? `All ${conditions.length} conditions healthy` : warnings.length ? `${warnings.length} warning event${warnings.length === 1 ? '' : 's'}` : 'No conditions and no warning events';
  return explanation(obj, summary, [
    conditionsSection(conditions),
    { title: 'Owners', findings: ownerFindings(ctx.owners) },
    eventsSection(ctx.events),
  ]);
}
