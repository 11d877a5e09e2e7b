// The Kubernetes CEL environment: CEL's standard library plus upstream's Kubernetes libraries
// (k8s.io/apiserver/pkg/cel/library) as of v1.32: lists, strings, regex, urls, quantity, ip, cidr,
// format, authz, and cel-go's sets extension. One environment serves admission policies,
// webhook match conditions and CRD validation rules; what differs is the declared variables.
import { celEnv, celFunc, CelScalar, type CelEnv, type CelFunc } from '@bufbuild/cel';
import { chargeCost, withinBudget } from './cost.js';
import { authzLibrary } from './lib/authz.js';
import { formatLibrary } from './lib/format.js';
import { listsLibrary } from './lib/lists.js';
import { cidrLibrary, ipLibrary } from './lib/net.js';
import { optionalLibrary } from './lib/optional.js';
import { quantityLibrary } from './lib/quantity.js';
import { regexLibrary } from './lib/regex.js';
import { setsLibrary } from './lib/sets.js';
import { stringsLibrary } from './lib/strings.js';
import { urlsLibrary } from './lib/urls.js';
import { opaqueRegistry } from './opaque.js';
import { unorderedEquals } from './values.js';

const { DYN, INT, BOOL } = CelScalar;

/** Calls the compiler inserts into comprehensions to meter them; the parser cannot produce '@' names. */
export const COST_STEP = '@k8ts_cost';
export const COST_CONTINUE = '@k8ts_within_budget';

/** What the compiler puts in place of `==`/`!=` on set and map lists (CompileOptions.unorderedEqualities). */
export const UNORDERED_EQUALS = '@k8ts_unordered_equals';
export const UNORDERED_NOT_EQUALS = '@k8ts_unordered_not_equals';

const meteringFunctions: CelFunc[] = [
  celFunc(UNORDERED_EQUALS, [DYN, DYN], BOOL, (a, b) => unorderedEquals(a, b)),
  celFunc(UNORDERED_NOT_EQUALS, [DYN, DYN], BOOL, (a, b) => !unorderedEquals(a, b)),
  celFunc(COST_STEP, [DYN, INT], DYN, (step, units) => {
    chargeCost(Number(units));
    return step;
  }),
  celFunc(COST_CONTINUE, [BOOL], BOOL, more => more && withinBudget()),
];

const kubernetesLibraries: CelFunc[] = [
  ...stringsLibrary,
  ...listsLibrary,
  ...setsLibrary,
  ...regexLibrary,
  ...urlsLibrary,
  ...quantityLibrary,
  ...ipLibrary,
  ...cidrLibrary,
  ...optionalLibrary,
  ...formatLibrary,
  ...authzLibrary,
  ...meteringFunctions,
];

export const kubernetesEnv: CelEnv = celEnv({ funcs: kubernetesLibraries, registry: opaqueRegistry });

/** Operators the evaluator implements itself rather than through its function table. */
const BUILT_IN_OPERATORS = ['_[_]', '_[?_]', '_?._', '_?_:_', '_&&_', '_||_', '@not_strictly_false', 'not_strictly_false'];

/** Every function name an expression may call. */
export const knownFunctions: ReadonlySet<string> = new Set([...[...kubernetesEnv.funcs].map(f => f.name), ...BUILT_IN_OPERATORS]);

/** Type names CEL code may use as values (`type(x) == string`). */
export const typeIdentifiers: ReadonlySet<string> = new Set(['int', 'uint', 'double', 'bool', 'string', 'bytes', 'list', 'map', 'null_type', 'type', 'dyn']);
