/**
 * Reads SDK errors by their data (`status`, `errors`), not by class: a page can hold two copies of the
 * SDK (the CDN file and a bundled one), and `instanceof` fails across copies.
 */
export interface FieldProblem {
  readonly path: string;
  readonly message: string;
}

export function statusOf(error: unknown): number | undefined {
  const status = (error as { status?: unknown } | null)?.status;
  return typeof status === 'number' ? status : undefined;
}

/** A stale ETag: someone changed the row since it was read. */
export function isConflict(error: unknown): boolean {
  return statusOf(error) === 412;
}

/** Field problems of a ValidationError (`path` is a JSON pointer such as `/title`). */
export function fieldProblemsOf(error: unknown): readonly FieldProblem[] {
  const errors = (error as { errors?: unknown } | null)?.errors;
  if (!Array.isArray(errors)) return [];
  return errors.filter(
    (problem): problem is FieldProblem => typeof problem?.path === 'string' && typeof problem?.message === 'string',
  );
}

/** Splits field problems into those naming one of `fields` (by column) and the rest. */
export function problemsByField(problems: readonly FieldProblem[], fields: ReadonlySet<string>): { byField: Map<string, string>; other: string[] } {
  const byField = new Map<string, string>();
  const other: string[] = [];
  for (const problem of problems) {
    const column = /^\/([^/]+)$/.exec(problem.path)?.[1];
    if (column !== undefined && fields.has(column)) byField.set(column, problem.message);
    else other.push(problem.message);
  }
  return { byField, other };
}
