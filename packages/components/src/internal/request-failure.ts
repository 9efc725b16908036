/**
 * Reads what a failed client call says (`status`, `errors`) from its data, not its class: a page can
 * hold two copies of the SDK (the CDN file and a bundled one), `instanceof` fails across copies, and
 * minified builds rename classes. Each element words its own messages; the reading is shared.
 */

/** One field problem of a `ValidationError`: `path` is a JSON pointer such as `/title`. */
export interface FieldProblem {
  readonly path: string;
  readonly message: string;
}

/** The HTTP status a client error carries (0 when the server was not reached), if any. */
export function failureStatus(error: unknown): number | undefined {
  const status = (error as { status?: unknown } | null)?.status;
  return typeof status === 'number' ? status : undefined;
}

/** The field problems of a validation error (empty for anything else, and malformed entries dropped). */
export function fieldProblems(error: unknown): readonly FieldProblem[] {
  const errors = (error as { errors?: unknown } | null)?.errors;
  if (!Array.isArray(errors)) return [];
  return errors.filter(
    (problem): problem is FieldProblem => typeof problem?.path === 'string' && typeof problem?.message === 'string',
  );
}

/** The field a top-level JSON pointer names (`/first~1name` → `first/name`); deeper paths name none. */
export function pointerField(path: string): string | undefined {
  const match = /^\/([^/]+)$/.exec(path);
  return match ? match[1]!.replaceAll('~1', '/').replaceAll('~0', '~') : undefined;
}

/** Splits field problems into messages for the given fields (by name) and the rest. */
export function splitByField(problems: readonly FieldProblem[], fields: ReadonlySet<string>): { byField: Map<string, string>; other: string[] } {
  const byField = new Map<string, string>();
  const other: string[] = [];
  for (const problem of problems) {
    const field = pointerField(problem.path);
    if (field !== undefined && fields.has(field)) byField.set(field, problem.message);
    else other.push(problem.message);
  }
  return { byField, other };
}
