/**
 * JSON paths (`$.tablePermissions[2].roles[0]`) and the plain-English names of the places they point
 * at, shared by the structural and the semantic checks so both speak about a location the same way.
 * @packageDocumentation
 */

/** One step into a JSON document: an object key or an array index. */
export type PathSegment = string | number;

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

function appendSegment(path: string, segment: PathSegment): string {
  if (typeof segment === 'number') return `${path}[${segment}]`;
  return IDENTIFIER.test(segment) ? `${path}.${segment}` : `${path}[${JSON.stringify(segment)}]`;
}

/** `['tables', 'incident', 'columns']` → `$.tables.incident.columns`; keys that are not identifiers use `$["weird key"]`. */
export function formatPath(segments: readonly PathSegment[]): string {
  return segments.reduce<string>(appendSegment, '$');
}

/** The same path without the `$.`, as people write it in prose (`privileges[1]`, `authentication.lockout`). */
export function formatRelativePath(segments: readonly PathSegment[]): string {
  const path = formatPath(segments).slice(1);
  return path.startsWith('.') ? path.slice(1) : path;
}

/** Whether `path` is `ancestor` or lies below it, comparing whole segments (`$.a` is not above `$.ab`). */
export function isAtOrBelow(path: string, ancestor: string): boolean {
  return path === ancestor || path.startsWith(`${ancestor}.`) || path.startsWith(`${ancestor}[`);
}

/** Keys that would reach `Object.prototype` if a consumer ever indexed a plain object with them. */
export const RESERVED_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/** A plain object (not an array, not null). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * An own property only: configuration keys come from JSON, so `constructor` or `__proto__` must never
 * resolve to something inherited.
 */
export function ownValue(value: unknown, key: PathSegment): unknown {
  if (typeof key === 'number') return Array.isArray(value) ? value[key] : undefined;
  return isRecord(value) && Object.hasOwn(value, key) ? value[key] : undefined;
}

/** The value a path points at, or `undefined`. */
export function valueAt(root: unknown, segments: readonly PathSegment[]): unknown {
  let value = root;
  for (const segment of segments) value = ownValue(value, segment);
  return value;
}

/**
 * Turns an Ajv `instancePath` (a JSON Pointer) into segments, using the document to tell array indexes
 * from object keys that happen to be digits.
 */
export function pointerToSegments(pointer: string, root: unknown): PathSegment[] {
  if (pointer === '') return [];
  const segments: PathSegment[] = [];
  let value = root;
  for (const raw of pointer.slice(1).split('/')) {
    const key = raw.replaceAll('~1', '/').replaceAll('~0', '~');
    const segment: PathSegment = Array.isArray(value) && /^(?:0|[1-9]\d*)$/.test(key) ? Number(key) : key;
    segments.push(segment);
    value = ownValue(value, segment);
  }
  return segments;
}

/** A quoted string for messages, cut short so one absurd value cannot flood a report. */
export function quote(text: string, max = 80): string {
  return JSON.stringify(text.length > max ? `${text.slice(0, max)}…` : text);
}

/** A value as a message shows it: `"open"`, `5`, `null`, `an array`, `an object`. */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') return value === '' ? 'empty' : quote(value);
  if (value === null) return 'null';
  if (value === undefined) return 'missing';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'symbol') return 'a symbol';
  return String(value);
}

/** A list of names for a message, e.g. `Anonymous Users, Authenticated Users`, shortened past `max`. */
export function listNames(names: readonly string[], max = 20): string {
  if (names.length === 0) return '(none)';
  const shown = names.slice(0, max).join(', ');
  return names.length > max ? `${shown} and ${names.length - max} more` : shown;
}

/** Upper-cases the first letter, for a noun that starts a sentence. */
function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

interface Entity {
  readonly noun: string;
  /** How many leading segments of the path address the entity itself. */
  readonly length: number;
}

function namedOrIndexed(kind: string, name: unknown, index: PathSegment): string {
  if (typeof name === 'string' && name.trim() !== '') return `${kind} ${quote(name)}`;
  return `the ${kind} at index ${String(index)}`;
}

/**
 * The configuration item a path lies in, named the way an administrator thinks of it (`table permission
 * "Own incidents"`, `column "status" of table "incident"`), so a message reads without the path.
 */
function entityOf(segments: readonly PathSegment[], root: unknown): Entity | undefined {
  const [first, second, third, fourth] = segments;
  if (first === 'tables' && typeof second === 'string') {
    if (third === 'columns' && typeof fourth === 'string') {
      return { noun: `column ${quote(fourth)} of table ${quote(second)}`, length: 4 };
    }
    return { noun: `table ${quote(second)}`, length: 2 };
  }
  if (first === 'authentication' && second === 'providers' && typeof third === 'number') {
    const provider = valueAt(root, segments.slice(0, 3));
    return { noun: namedOrIndexed('provider', ownValue(provider, 'id'), third), length: 3 };
  }
  if (typeof second !== 'number') return undefined;
  const item = valueAt(root, [first ?? '', second]);
  switch (first) {
    case 'webRoles':
      return { noun: namedOrIndexed('web role', ownValue(item, 'name'), second), length: 2 };
    case 'tablePermissions':
      return { noun: namedOrIndexed('table permission', ownValue(item, 'name'), second), length: 2 };
    case 'columnPermissions': {
      const table = ownValue(item, 'table');
      const column = ownValue(item, 'column');
      const noun =
        typeof table === 'string' && typeof column === 'string'
          ? `the column permission on ${quote(`${table}.${column}`)}`
          : `the column permission at index ${second}`;
      return { noun, length: 2 };
    }
    case 'pageRules': {
      const path = ownValue(item, 'path');
      const noun =
        typeof path === 'string' && path !== '' ? `the page rule on ${quote(path)}` : `the page rule at index ${second}`;
      return { noun, length: 2 };
    }
    case 'websitePermissions':
      return { noun: `the website permission at index ${second}`, length: 2 };
    default:
      return undefined;
  }
}

/**
 * Names the object at a path, as the subject of a sentence about it: `Table permission "Own incidents"`,
 * `"authentication.lockout"`, `The configuration`; lower case when it does not start the sentence.
 */
export function describeOwner(segments: readonly PathSegment[], root: unknown, startsSentence = true): string {
  if (segments.length === 0) return startsSentence ? 'The configuration' : 'the configuration';
  const entity = entityOf(segments, root);
  if (entity !== undefined && entity.length === segments.length) {
    return startsSentence ? capitalize(entity.noun) : entity.noun;
  }
  return quote(formatRelativePath(segments), 200);
}

/**
 * Names the value at a path, as the subject of a sentence about it: `The "scope" of table permission
 * "Own incidents"`, `"authentication.lockout.maxFailedAttempts"`.
 */
export function describeSubject(segments: readonly PathSegment[], root: unknown): string {
  const entity = entityOf(segments, root);
  if (entity === undefined || entity.length === segments.length) return describeOwner(segments, root);
  const rest = formatRelativePath(segments.slice(entity.length));
  return `The ${quote(rest, 200)} of ${entity.noun}`;
}
