// Whether something parses: the `isX` checks (isQuantity, isURL, isIP, a URI format, a time zone)
// are the parser run for its verdict only.

/** True when `f` returns, false when it throws. */
export function succeeds(f: () => unknown): boolean {
  try {
    f();
    return true;
  } catch {
    return false;
  }
}
