import type { Kysely } from 'kysely';
import type { EventWakeups } from '../events/event-wakeups.js';
import type { Database } from './database.js';
import type { Engine } from './engine.js';
import { openPostgres } from './postgres/open-postgres.js';
import { openSqlite } from './sqlite/open-sqlite.js';

/** An open, migrated database. */
export interface OpenDatabase {
  readonly db: Kysely<Database>;
  readonly engine: Engine;
  /**
   * How instances sharing the database wake each other when visitor events are written (PostgreSQL:
   * LISTEN/NOTIFY). Undefined on SQLite, where polling the event table is the only channel.
   */
  readonly wakeups: EventWakeups | undefined;
  close(): Promise<void>;
}

/**
 * Where the data lives: a SQLite file under a data directory (the default), or a PostgreSQL database
 * named by a `postgres://` URL, which several server instances can share.
 */
export type DatabaseLocation = { readonly dataDir: string; readonly url?: undefined } | { readonly url: string; readonly dataDir?: string | undefined };

/** Opens and migrates the database at `location`: PostgreSQL when a URL is given, else SQLite. */
export async function openDatabase(location: DatabaseLocation): Promise<OpenDatabase> {
  if (location.url !== undefined) return openPostgres(location.url);
  return openSqlite(location.dataDir);
}
