import { sql } from 'kysely';
import type { Expression, ExpressionBuilder, SqlBool } from 'kysely';
import type { Engine } from '../../storage/engine.js';
import { columnRef } from './columns.js';

/** Makes `%`, `_` and the escape character itself match literally in a LIKE pattern escaped with `\`. */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (char) => `\\${char}`);
}

/**
 * A case-insensitive LIKE of a column against a pattern (a bound parameter), with `ESCAPE '\'` spelled
 * out so no engine setting changes what `\` means. SQLite's LIKE ignores case for ASCII letters only;
 * PostgreSQL's ILIKE folds every letter. `negated` gives the exact complement: a NULL column is
 * "not like" anything.
 */
export function likeMatch(
  eb: ExpressionBuilder<any, any>,
  engine: Engine,
  column: string,
  alias: string | undefined,
  pattern: string,
  negated = false,
): Expression<SqlBool> {
  const ref = columnRef(eb, column, alias);
  if (!negated) {
    return engine === 'postgres' ? sql<SqlBool>`${ref} ilike ${pattern} escape '\\'` : sql<SqlBool>`${ref} like ${pattern} escape '\\'`;
  }
  const notLike =
    engine === 'postgres' ? sql<SqlBool>`${ref} not ilike ${pattern} escape '\\'` : sql<SqlBool>`${ref} not like ${pattern} escape '\\'`;
  return eb.or([notLike, eb(ref, 'is', null)]);
}
