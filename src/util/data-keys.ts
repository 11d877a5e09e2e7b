// Objects decoded from requests are data: any string may be one of their keys, `__proto__`,
// `constructor` and `toString` included (all three are legal ConfigMap keys). Plain property access
// does not treat them as data: `obj[key] = v` with key `__proto__` replaces obj's prototype instead
// of storing the key, and `obj[key]` or `key in obj` find Object.prototype's members for keys obj
// does not have. Walking a request body that way writes into Object.prototype of the whole process.
// Every walk over decoded data reads, tests and writes keys through these helpers.

/** Whether `obj` itself holds `key` (inherited members do not count). */
export function hasKey(obj: object, key: string): boolean {
  return Object.hasOwn(obj, key);
}

/** `obj[key]` if obj itself holds it, else undefined. */
export function getKey<T>(obj: { readonly [key: string]: T }, key: string): T | undefined {
  return Object.hasOwn(obj, key) ? obj[key] : undefined;
}

/** Stores `value` under `key` as an ordinary member, whatever the key. */
export function setKey<T>(obj: { [key: string]: T }, key: string, value: T): void {
  // Only `__proto__` is an accessor on Object.prototype; every other key assigns as data.
  if (key === '__proto__') Object.defineProperty(obj, key, { value, writable: true, enumerable: true, configurable: true });
  else obj[key] = value;
}
