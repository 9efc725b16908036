/**
 * A JSON value with object keys in code-point order at every depth, so equal values serialise to equal
 * bytes. Permission sets rely on this: equal rights must give byte-equal payloads (and equal `ver`).
 */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Returns a deep copy of `value` whose objects have sorted keys; `undefined` members are dropped. */
export function canonicalize<T>(value: T): T {
  return sortKeys(value) as T;
}

/** `JSON.stringify` of {@link canonicalize}d `value`. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== 'object') return value;
  const sorted: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) {
    const member = (value as Record<string, unknown>)[key];
    if (member !== undefined) defineOwn(sorted, key, sortKeys(member));
  }
  return sorted;
}

/**
 * A short, stable fingerprint of a string (two independent 32-bit FNV-1a lanes, 16 hex digits).
 * Used for version tags that must change when content changes; not a security primitive: nothing is
 * trusted because of it, and everything it tags is signed or recomputed on the server.
 */
export function fingerprint(text: string): string {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ 0x5bd1e995;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    a = Math.imul(a ^ code, 0x01000193);
    b = Math.imul(b ^ code, 0x5bd1e995) ^ (b >>> 15);
  }
  return (a >>> 0).toString(16).padStart(8, '0') + (b >>> 0).toString(16).padStart(8, '0');
}

/** Sets an own property even for a name like `__proto__`, which plain assignment would turn into a prototype change. */
export function defineOwn<T>(target: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}
