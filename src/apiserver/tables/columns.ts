// Column-definition shorthands; the Name and Age columns carry ObjectMeta's own descriptions, as
// upstream's do.
import type { TableColumnDefinition } from './types.js';

const NAME_DOC =
  'Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of a name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names';
const CREATED_DOC =
  'CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata';

interface ColumnOptions {
  type?: TableColumnDefinition['type'];
  format?: string;
  /** Shown only with `-o wide` (priority 1). */
  wide?: boolean;
}

export function col(name: string, description: string, opts: ColumnOptions = {}): TableColumnDefinition {
  return { name, type: opts.type ?? 'string', format: opts.format ?? '', description, priority: opts.wide ? 1 : 0 };
}

export const nameCol = (opts: ColumnOptions = {}): TableColumnDefinition => col('Name', NAME_DOC, { format: 'name', ...opts });
export const ageCol = (): TableColumnDefinition => col('Age', CREATED_DOC);
export const createdAtCol = (): TableColumnDefinition => col('Created At', CREATED_DOC, { type: 'date' });

/** The wide Containers / Images columns of every kind that carries a pod template. */
export const containersCol = (): TableColumnDefinition => col('Containers', 'Names of each container in the template.', { wide: true });
export const imagesCol = (): TableColumnDefinition => col('Images', 'Images referenced by each container in the template.', { wide: true });
