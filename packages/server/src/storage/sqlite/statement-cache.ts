import type { Database as SqliteFile, Statement } from 'better-sqlite3';
import type { SqliteDatabase, SqliteStatement } from 'kysely';

/** Distinct statements kept prepared; the server's queries number in the hundreds, built per request. */
const DEFAULT_CAPACITY = 500;

/**
 * Statements worth keeping: queries, writes and transaction control. Not EXPLAIN or PRAGMA: they run no
 * transaction, so SQLite never notices a schema change under them and a kept one would answer with a
 * stale plan or catalog; nor DDL, which runs once.
 */
const CACHEABLE = /^\s*(select|insert|update|delete|with|begin|commit|rollback|savepoint|release)\b/i;

/**
 * The database Kysely's SQLite driver talks to, with its prepared statements kept and reused. The driver
 * prepares every query it runs (`db.prepare(sql)`): SQLite parses and plans it again each time, which for
 * the server's hottest requests (the session, the visitor's roles, a list page) costs as much as running
 * it. Kysely compiles the same query shape to the same SQL text with `?` placeholders, so the text is a
 * good key. Least recently used statements are dropped beyond `capacity`.
 *
 * Safe to share: the driver runs one query at a time on the connection and consumes each statement at
 * once (`all` or `run`; no iterator is left open), and SQLite re-prepares a kept statement by itself when
 * the schema changes under it (checked as each statement's transaction starts, so for any connection's
 * change).
 */
export function withStatementCache(file: SqliteFile, capacity = DEFAULT_CAPACITY): SqliteDatabase {
  const statements = new Map<string, Statement>();
  return {
    prepare(sql: string): SqliteStatement {
      if (!CACHEABLE.test(sql)) return file.prepare(sql) as unknown as SqliteStatement;
      let statement = statements.get(sql);
      if (statement) {
        // Map order is insertion order: move it to the most recently used end.
        statements.delete(sql);
      } else {
        statement = file.prepare(sql);
        if (statements.size >= capacity) statements.delete(statements.keys().next().value!);
      }
      statements.set(sql, statement);
      return statement as unknown as SqliteStatement;
    },
    close(): void {
      statements.clear();
      file.close();
    },
  };
}
