/**
 * Structural validation: the JSON Schema, checked by Ajv, with Ajv's errors turned into one plain
 * sentence each at an exact JSON path.
 * @packageDocumentation
 */
import Ajv from 'ajv';
import type { ErrorObject, ValidateFunction } from 'ajv';
import schema from './portal.config.schema.json' with { type: 'json' };
import {
  describeOwner,
  describeSubject,
  describeValue,
  formatPath,
  formatRelativePath,
  isRecord,
  listNames,
  ownValue,
  pointerToSegments,
  quote,
  RESERVED_KEYS,
  valueAt,
} from './json-path.js';
import type { PathSegment } from './json-path.js';
import type { ConfigIssue } from './validate.js';

const TYPE_NAMES: Readonly<Record<string, string>> = {
  object: 'an object',
  array: 'an array',
  string: 'a string',
  integer: 'an integer',
  number: 'a number',
  boolean: 'true or false',
  null: 'null',
};

let compiled: ValidateFunction | undefined;

/** Compiled on first use: compiling costs milliseconds that an importer that never validates should not pay. */
function validator(): ValidateFunction {
  if (compiled !== undefined) return compiled;
  // Ajv is CommonJS; under NodeNext its default import is the module object, whose `default` is the class.
  const ajv = new Ajv.default({
    allErrors: true,
    verbose: true,
    strictSchema: true,
    strictNumbers: true,
    strictTypes: true,
    strictTuples: true,
    strictRequired: false,
  });
  // VS Code's annotation for a readable pattern explanation; the messages below use it too.
  ajv.addKeyword({ keyword: 'patternErrorMessage', schemaType: 'string' });
  compiled = ajv.compile(schema);
  return compiled;
}

/** Checks `input` against the JSON Schema and returns every violation as an error. */
export function structuralIssues(input: unknown): ConfigIssue[] {
  const validate = validator();
  if (validate(input)) return [];
  const errors = (validate.errors ?? []).filter(isReportable);
  const issues = errors.map((error) => translate(error, input));
  return dropConsequences(issues);
}

/**
 * `if` reports "must match then" next to the real failure inside `then`, and `propertyNames` reports
 * "property name must be valid" next to the failure of the name itself: both say nothing new.
 */
function isReportable(error: ErrorObject): boolean {
  return error.keyword !== 'if' && error.keyword !== 'propertyNames';
}

/** A wrong type makes every other complaint about the same value noise (`5` is also "not one of" the enum). */
function dropConsequences(issues: ConfigIssue[]): ConfigIssue[] {
  const wrongType = new Set(issues.filter((issue) => issue.code === 'wrong-type').map((issue) => issue.path));
  const seen = new Set<string>();
  return issues.filter((issue) => {
    if (wrongType.has(issue.path) && issue.code !== 'wrong-type') return false;
    const key = `${issue.code}\u0000${issue.path}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function issue(code: string, segments: readonly PathSegment[], message: string): ConfigIssue {
  return { path: formatPath(segments), message, code, severity: 'error' };
}

function translate(error: ErrorObject, root: unknown): ConfigIssue {
  const segments = pointerToSegments(error.instancePath, root);
  if (error.propertyName !== undefined) return translatePropertyName(error, [...segments, error.propertyName], root);
  const subject = describeSubject(segments, root);
  const value = valueAt(root, segments);
  const params = error.params as Record<string, unknown>;
  const parent: unknown = error.parentSchema;
  switch (error.keyword) {
    case 'type': {
      const expected = String(params['type']);
      return issue('wrong-type', segments, `${subject} is ${describeValue(value)}, but it must be ${TYPE_NAMES[expected] ?? expected}.`);
    }
    case 'required':
      return missingProperty(segments, String(params['missingProperty']), error.schemaPath, root);
    case 'additionalProperties':
      return unknownProperty(segments, String(params['additionalProperty']), parent, root);
    case 'enum':
      return enumMismatch(segments, subject, value, params['allowedValues'], error.schemaPath);
    case 'pattern': {
      const explained = explainPattern(parent, params['pattern']);
      return issue('invalid-format', segments, `${subject} is ${describeValue(value)}, but it must be ${explained}.`);
    }
    case 'minLength':
      return issue(
        'too-short',
        segments,
        value === ''
          ? `${subject} is empty, but it must not be.`
          : `${subject} is ${describeValue(value)}, but it must be at least ${String(params['limit'])} characters long.`,
      );
    case 'maxLength':
      return issue(
        'too-long',
        segments,
        `${subject} is ${lengthOf(value)} characters long, but it must be at most ${String(params['limit'])}.`,
      );
    case 'minimum':
      return issue('too-small', segments, `${subject} is ${describeValue(value)}, but it must be at least ${String(params['limit'])}.`);
    case 'maximum':
      return issue('too-large', segments, `${subject} is ${describeValue(value)}, but it must be at most ${String(params['limit'])}.`);
    case 'minItems':
      return issue(
        'too-few-items',
        segments,
        `${subject} is empty, but it must list at least ${String(params['limit'])} ${params['limit'] === 1 ? 'item' : 'items'}.`,
      );
    case 'uniqueItems':
      return duplicateItem(segments, Number(params['i']), Number(params['j']), root);
    default:
      // Only reached if the schema gains a keyword not translated above.
      return issue('invalid-value', segments, `${subject} is ${describeValue(value)}, which is not allowed (${error.message ?? 'invalid'}).`);
  }
}

function lengthOf(value: unknown): number {
  return typeof value === 'string' ? value.length : 0;
}

const NAME_KINDS: Readonly<Record<string, string>> = {
  tables: 'table name',
  columns: 'column name',
  claimMapping: 'contact column name',
};

/** A map key (table, column, claim-mapped column) that fails its name pattern. */
function translatePropertyName(error: ErrorObject, segments: readonly PathSegment[], root: unknown): ConfigIssue {
  const key = String(segments.at(-1));
  const mapName = segments.at(-2);
  const kind = (typeof mapName === 'string' ? NAME_KINDS[mapName] : undefined) ?? 'name';
  if (RESERVED_KEYS.has(key)) {
    return issue('reserved-name', segments, `${quote(key)} cannot be used as a ${kind}: it is reserved because it names a JavaScript object internal.`);
  }
  // The object holding the map (`Table "note"` for its `columns`) reads better than the map itself.
  const owner = describeOwner(segments.slice(0, -2), root);
  const explained = explainPattern(error.parentSchema, (error.params as Record<string, unknown>)['pattern']);
  return issue('invalid-name', segments, `${owner} uses ${quote(key)} as a ${kind}, but a ${kind} must be ${explained}.`);
}

function explainPattern(parentSchema: unknown, pattern: unknown): string {
  const explanation = ownValue(parentSchema, 'patternErrorMessage');
  return typeof explanation === 'string' ? explanation : `text matching the pattern ${String(pattern)}`;
}

/**
 * Fields required by an `if`/`then` (scope-specific, type-specific) say which discriminator asked for
 * them, so the administrator sees why a field that is optional elsewhere is needed here.
 */
function missingProperty(
  segments: readonly PathSegment[],
  property: string,
  schemaPath: string,
  root: unknown,
): ConfigIssue {
  const owner = describeOwner(segments, root);
  const object = valueAt(root, segments);
  let reason = '';
  if (schemaPath.includes('/then/')) {
    const scope = ownValue(object, 'scope');
    const type = ownValue(object, 'type');
    if (typeof scope === 'string') reason = `, which scope ${quote(scope)} needs`;
    else if (typeof type === 'string') reason = `, which type ${quote(type)} needs`;
  }
  return issue('missing-property', [...segments, property], `${owner} is missing the required property ${quote(property)}${reason}.`);
}

function unknownProperty(
  segments: readonly PathSegment[],
  property: string,
  parentSchema: unknown,
  root: unknown,
): ConfigIssue {
  const owner = describeOwner(segments, root);
  const properties = ownValue(parentSchema, 'properties');
  const known = isRecord(properties) ? Object.keys(properties) : [];
  const suggestion = closest(property, known);
  const hint =
    suggestion !== undefined
      ? `; did you mean ${quote(suggestion)}?`
      : known.length > 0
        ? `; allowed properties are: ${listNames(known, 30)}.`
        : '.';
  return issue('unknown-property', [...segments, property], `${owner} has unknown property ${quote(property)}${hint}`);
}

function enumMismatch(
  segments: readonly PathSegment[],
  subject: string,
  value: unknown,
  allowed: unknown,
  schemaPath: string,
): ConfigIssue {
  const choices = Array.isArray(allowed) ? allowed.map(String) : [];
  if (schemaPath === '#/definitions/algorithm/enum' && typeof value === 'string' && isInsecureAlgorithm(value)) {
    const what = value.toLowerCase() === 'none' ? 'means no signature at all' : 'is a shared-secret (symmetric) algorithm';
    return issue(
      'insecure-algorithm',
      segments,
      `${subject} is ${quote(value)}, which ${what}; only asymmetric algorithms are accepted: ${listNames(choices)}.`,
    );
  }
  return issue('invalid-value', segments, `${subject} is ${describeValue(value)}, but it must be one of: ${listNames(choices, 30)}.`);
}

function isInsecureAlgorithm(value: string): boolean {
  return /^(?:none|HS\d+)$/i.test(value);
}

function duplicateItem(segments: readonly PathSegment[], i: number, j: number, root: unknown): ConfigIssue {
  // Ajv reports the pair with j the later index; the later occurrence is the one to delete.
  const later = Math.max(i, j);
  const earlier = Math.min(i, j);
  const list = formatRelativePath(segments.slice(-1));
  const owner = segments.length > 1 ? describeOwner(segments.slice(0, -1), root) : 'The configuration';
  const value = valueAt(root, [...segments, later]);
  return issue(
    'duplicate-item',
    [...segments, later],
    `${owner} lists ${describeValue(value)} twice in ${quote(list)} (at index ${earlier} and ${later}); each value may appear once.`,
  );
}

/** The nearest known name within edit distance 2, ignoring case (the first one on a tie). */
function closest(name: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = 3;
  for (const candidate of candidates) {
    const distance = editDistance(name.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 2) return 3;
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}
