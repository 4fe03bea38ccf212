/**
 * Client-supplied names are data, never property lookups: a field, order, filter, aggregation, type or rule name
 * may be `constructor`, `toString` or `__proto__`, which a plain object answers from Object.prototype. Every
 * lookup of such a name in a plain object goes through these two functions (or through a Map).
 */

/** The value of `name` only when `obj` holds it itself; never an Object.prototype member. */
export function ownProperty<T>(obj: Readonly<Record<string, T>>, name: string): T | undefined {
  return Object.hasOwn(obj, name) ? obj[name] : undefined;
}

/** Stores `value` as an own, enumerable property, even under `__proto__` (where `obj[name] = v` would set the prototype). */
export function setOwnProperty<T>(obj: Record<string, T>, name: string, value: NoInfer<T>): void {
  Object.defineProperty(obj, name, { value, enumerable: true, writable: true, configurable: true });
}
