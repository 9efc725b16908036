import { sql } from 'kysely';
import type { Expression, ExpressionBuilder, SqlBool } from 'kysely';
import type { Engine } from '../../storage/engine.js';
import { columnRef } from './columns.js';

/** Makes `%`, `_` and the escape character itself match literally in a LIKE pattern escaped with `\`. */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (char) => `\\${char}`);
}

const ASCII_UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const ASCII_LOWER = 'abcdefghijklmnopqrstuvwxyz';

/**
 * A case-insensitive LIKE of a column against a pattern (a bound parameter), with `ESCAPE '\'` spelled
 * out so no engine setting changes what `\` means. SQLite's LIKE ignores case for ASCII letters only.
 * PostgreSQL's ILIKE would fold every letter (and by the database's locale), so a search for "é"
 * would find "É" there and not on SQLite; instead both sides are lower-cased for A–Z only
 * (`translate`) and compared with a plain LIKE: the same rows on both engines. `negated` gives the
 * exact complement: a NULL column is "not like" anything.
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
  if (engine === 'postgres') {
    const folded = sql`translate(${ref}, ${ASCII_UPPER}, ${ASCII_LOWER})`;
    const lowered = pattern.replace(/[A-Z]/g, (letter) => letter.toLowerCase());
    if (!negated) return sql<SqlBool>`${folded} like ${lowered} escape '\\'`;
    return eb.or([sql<SqlBool>`${folded} not like ${lowered} escape '\\'`, eb(ref, 'is', null)]);
  }
  if (!negated) return sql<SqlBool>`${ref} like ${pattern} escape '\\'`;
  return eb.or([sql<SqlBool>`${ref} not like ${pattern} escape '\\'`, eb(ref, 'is', null)]);
}
