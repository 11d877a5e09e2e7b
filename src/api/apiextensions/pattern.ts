// Regular expressions in schemas are Go RE2 patterns; this says why one does not compile.
import { RE2JS } from '@bufbuild/re2';

/** Go regexp's complaint about `pattern` (e.g. "error parsing regexp: missing closing ): `(a`"), or undefined. */
export function compilePatternError(pattern: string): string | undefined {
  try {
    RE2JS.compile(pattern);
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
}
