// The text of a caught value: an Error's message, anything else (a thrown string, a rejected
// non-Error) as String() writes it.

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
