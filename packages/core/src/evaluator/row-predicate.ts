/**
 * A query-neutral description of "which rows": what a visitor's grants reach on a table, with the
 * visitor's ids already bound. The server compiles it to a parameterised SQL predicate; the browser and
 * the tests evaluate it against in-memory rows with {@link matchesRow}.
 */
export type RowPredicate =
  | { readonly kind: 'all' }
  | { readonly kind: 'none' }
  /** `row[column]` equals `value` (an id). */
  | { readonly kind: 'equals'; readonly column: string; readonly value: string }
  /** `row[column]` names a row of `table` that satisfies `where` (an EXISTS through a lookup). */
  | { readonly kind: 'related'; readonly column: string; readonly table: string; readonly where: RowPredicate }
  /** At least one of `of` holds; never empty, never contains `all` or `none` once simplified. */
  | { readonly kind: 'any'; readonly of: readonly RowPredicate[] };

/** A row as the evaluator sees it: column name to value; ids are strings. */
export type Row = Readonly<Record<string, unknown>>;

/**
 * Looks up a row by table and id, so `related` predicates (parent scope) can be checked in memory.
 * Without one, a `related` predicate never matches: deciding "no" is the safe answer when the parent
 * row cannot be seen.
 */
export type RowResolver = (table: string, id: string) => Row | undefined;

export const ALL_ROWS: RowPredicate = Object.freeze({ kind: 'all' });
export const NO_ROWS: RowPredicate = Object.freeze({ kind: 'none' });

/** The union of predicates, flattened: `all` absorbs, `none` vanishes, duplicates collapse. */
export function anyOf(predicates: readonly RowPredicate[]): RowPredicate {
  const members: RowPredicate[] = [];
  const seen = new Set<string>();
  for (const predicate of predicates) {
    const parts = predicate.kind === 'any' ? predicate.of : [predicate];
    for (const part of parts) {
      if (part.kind === 'all') return ALL_ROWS;
      if (part.kind === 'none') continue;
      const key = JSON.stringify(part);
      if (!seen.has(key)) {
        seen.add(key);
        members.push(part);
      }
    }
  }
  if (members.length === 0) return NO_ROWS;
  if (members.length === 1) return members[0]!;
  return { kind: 'any', of: members };
}

/** Whether `row` (of the table the predicate was made for) satisfies `predicate`. */
export function matchesRow(predicate: RowPredicate, row: Row, resolve?: RowResolver): boolean {
  switch (predicate.kind) {
    case 'all':
      return true;
    case 'none':
      return false;
    case 'equals':
      return isId(row[predicate.column]) && row[predicate.column] === predicate.value;
    case 'related': {
      const target = row[predicate.column];
      if (!isId(target) || !resolve) return false;
      const related = resolve(predicate.table, target);
      return related !== undefined && matchesRow(predicate.where, related, resolve);
    }
    case 'any':
      return predicate.of.some((member) => matchesRow(member, row, resolve));
  }
}

function isId(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0;
}
