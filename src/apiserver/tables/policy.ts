// policy/v1 PodDisruptionBudgets.
import { ageCol, col, nameCol } from './columns.js';
import { since } from './duration.js';
import type { Printer } from './types.js';

/** An IntOrString bound: "2" or "50%"; "N/A" when the budget does not set it. */
const bound = (v: unknown): string => (v === undefined || v === null ? 'N/A' : String(v));

export const podDisruptionBudgetPrinter: Printer = {
  columns: [
    nameCol(),
    col('Min Available', 'The minimum number of pods that must be available.'),
    col('Max Unavailable', 'The maximum number of pods that may be unavailable.'),
    col('Allowed Disruptions', 'Calculated number of pods that may be disrupted at this time.', { type: 'integer' }),
    ageCol(),
  ],
  cells: (o, now) => [
    o.metadata?.name ?? '', bound(o.spec?.minAvailable), bound(o.spec?.maxUnavailable), o.status?.disruptionsAllowed ?? 0,
    since(o.metadata?.creationTimestamp, now),
  ],
};
