import type { FieldProblem } from '../../http/problem.js';
import { DATA_SYSTEM_COLUMNS } from '../schema/data-table.js';
import type { DataTable } from '../schema/data-table.js';
import { toDbValue } from './db-value.js';
import type { DbValue } from './db-value.js';

/** A request body checked against a table: values to bind, or what is wrong (both, when some keys were fine). */
export interface DecodedBody {
  /** Declared column → value to store. Only declared, non-system columns ever appear here. */
  readonly values: Record<string, DbValue>;
  readonly problems: readonly FieldProblem[];
}

export interface DecodeOptions {
  /**
   * Columns the server will fill itself on create (ownership columns): a required one among them is
   * not reported missing. Whether the body may set them is the caller's decision, not the codec's.
   */
  readonly serverSet?: ReadonlySet<string>;
}

/** A hostile body could name thousands of bad keys; nobody needs more than this many messages. */
export const MAX_BODY_PROBLEMS = 100;
/** Unknown keys are echoed in problem paths; longer ones are cut. */
const MAX_KEY_IN_PATH = 100;

const SYSTEM = new Set<string>(DATA_SYSTEM_COLUMNS);

/**
 * Checks a create or update body's shape and types against the table's declared columns and converts
 * it to database values. It must be a plain JSON object whose keys are declared columns; system columns
 * and `_`-prefixed keys (`_etag`, `_actions`, `__proto__`) are the server's. On `create` every required
 * column must be present and non-null; on `update` at least one column must be given.
 *
 * This is shape and type only: which columns this visitor may write is decided by the caller.
 */
export function decodeBody(table: DataTable, body: unknown, mode: 'create' | 'update', options: DecodeOptions = {}): DecodedBody {
  const values: Record<string, DbValue> = {};
  const problems: FieldProblem[] = [];
  const report = (path: string, message: string): void => {
    if (problems.length < MAX_BODY_PROBLEMS) problems.push({ path, message });
  };
  if (!isPlainObject(body)) {
    report('', 'must be a JSON object');
    return { values, problems };
  }
  const keys = Object.keys(body);
  for (const key of keys) {
    if (SYSTEM.has(key) || key.startsWith('_')) {
      report(pointer(key), 'is set by the server');
      continue;
    }
    // A Map lookup: keys like "constructor" or "__proto__" find nothing inherited.
    const column = table.columns.get(key);
    if (!column) {
      report(pointer(key), `is not a column of ${table.name}`);
      continue;
    }
    const check = toDbValue(column, body[key]);
    if (check.ok) values[column.name] = check.value;
    else report(pointer(key), check.message);
  }
  if (mode === 'create') {
    for (const column of table.columns.values()) {
      if (column.required && !Object.hasOwn(body, column.name) && !options.serverSet?.has(column.name)) {
        report(pointer(column.name), 'is required');
      }
    }
  } else if (keys.length === 0) {
    report('', 'must set at least one column');
  }
  return { values, problems };
}

/** A JSON object as `JSON.parse` makes it: not null, not an array, no class instance. */
function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/** RFC 6901 JSON pointer to a top-level key. */
function pointer(key: string): string {
  const shown = key.length > MAX_KEY_IN_PATH ? `${key.slice(0, MAX_KEY_IN_PATH)}…` : key;
  return `/${shown.replaceAll('~', '~0').replaceAll('/', '~1')}`;
}
