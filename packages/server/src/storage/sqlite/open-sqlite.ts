import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely } from 'kysely';
import type { Database } from '../database.js';
import { migrateToLatest } from '../migrations.js';
import type { OpenDatabase } from '../open-database.js';
import { ImmediateSqliteDialect } from './immediate-dialect.js';
import { withStatementCache } from './statement-cache.js';

/**
 * Opens the SQLite database in WAL mode with `synchronous=FULL`, so a write the server acknowledged
 * survives a crash or power loss; foreign keys on; a busy timeout and write transactions that take
 * the write lock at BEGIN, so CLI commands and the server can write the same file; prepared statements
 * kept for reuse. Then migrates it.
 */
export async function openSqlite(dataDir: string): Promise<OpenDatabase> {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const file = new SQLite(join(dataDir, 'portalkit.db'));
  // The busy timeout first: switching to WAL needs a lock another process may hold for a moment.
  file.pragma('busy_timeout = 5000');
  file.pragma('journal_mode = WAL');
  file.pragma('synchronous = FULL');
  file.pragma('foreign_keys = ON');
  const db = new Kysely<Database>({ dialect: new ImmediateSqliteDialect({ database: withStatementCache(file) }) });
  try {
    await migrateWithRetry(db);
  } catch (error) {
    await db.destroy();
    throw error;
  }
  // One process, one file: the event log's polling is how other processes' events arrive, so there
  // is nothing to wake (see events/event-wakeups.ts).
  return { db, engine: 'sqlite', wakeups: undefined, close: () => db.destroy() };
}

/**
 * Two processes opening a fresh data directory at once (a server and a CLI command) both see "no
 * migrations yet"; the second one's CREATE TABLE then fails once the first has committed. Trying
 * again finds the schema current. Kysely's migrator has no cross-process lock on SQLite.
 */
async function migrateWithRetry(db: Kysely<Database>, attempts = 5): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await migrateToLatest(db, 'sqlite');
    } catch (error) {
      if (attempt >= attempts || !/already exists|locked|busy/i.test(String((error as Error).message))) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50 * attempt));
    }
  }
}
