// All message tables by message name, and the top-level kinds a request body may carry. The tables
// are generated from upstream (scripts/protobuf/gen-tables.ts); message names are unique across
// the packages covered (the generator and a test check), so one flat namespace suffices.
import type { Tables } from '../schema.js';
import { GENERATED_TABLES } from './generated/index.js';

export { ANY_VERSION_KINDS, ROOT_KINDS } from './roots.js';

export const TABLE_GROUPS: readonly Tables[] = GENERATED_TABLES;

export const MESSAGES: Tables = Object.assign({}, ...TABLE_GROUPS);
