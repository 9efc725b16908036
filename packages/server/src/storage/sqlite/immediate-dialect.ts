import { CompiledQuery, SqliteDialect, SqliteDriver } from 'kysely';
import type { DatabaseConnection, Driver, SqliteDialectConfig } from 'kysely';

/**
 * Kysely's SQLite transactions start with a plain (deferred) BEGIN: a transaction that reads and then
 * writes takes the write lock only at its first write, and if another process (the CLI next to the
 * server) committed in between, SQLite answers SQLITE_BUSY at once, without waiting out the busy
 * timeout (its snapshot is stale, so waiting could not help). BEGIN IMMEDIATE takes the write lock
 * up front, waiting for it under the busy timeout, so read-then-write transactions from several
 * processes queue instead of failing. Every transaction here writes, so nothing is lost by it.
 */
export class ImmediateSqliteDialect extends SqliteDialect {
  readonly #config: SqliteDialectConfig;

  constructor(config: SqliteDialectConfig) {
    super(config);
    this.#config = config;
  }

  override createDriver(): Driver {
    return new ImmediateSqliteDriver(this.#config);
  }
}

class ImmediateSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
}
