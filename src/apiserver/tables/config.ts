// ConfigMaps, Secrets and ServiceAccounts: counts of what they hold.
import { ageCol, col, nameCol } from './columns.js';
import { since } from './duration.js';
import type { Obj, Printer } from './types.js';

const count = (m: unknown): number => Object.keys((m ?? {}) as object).length;

// The Data and Secrets columns are declared "string" upstream though their cells are integers.
export const configMapPrinter: Printer = {
  columns: [nameCol(), col('Data', 'Data contains the configuration data.'), ageCol()],
  cells: (o: Obj, now) => [o.metadata?.name ?? '', count(o.data) + count(o.binaryData), since(o.metadata?.creationTimestamp, now)],
};

export const secretPrinter: Printer = {
  columns: [
    nameCol(),
    col('Type', 'Used to facilitate programmatic handling of secret data.'),
    col('Data', 'Data contains the secret data.'),
    ageCol(),
  ],
  cells: (o: Obj, now) => [o.metadata?.name ?? '', o.type ?? '', count(o.data), since(o.metadata?.creationTimestamp, now)],
};

export const serviceAccountPrinter: Printer = {
  columns: [nameCol(), col('Secrets', 'Secrets is a list of the secrets in the same namespace that pods running using this ServiceAccount are allowed to use.'), ageCol()],
  cells: (o: Obj, now) => [o.metadata?.name ?? '', (o.secrets ?? []).length, since(o.metadata?.creationTimestamp, now)],
};
