import pg from 'pg';
import { Kysely, PostgresDialect, sql } from 'kysely';
import type { Database } from '../database.js';
import { migrateToLatest } from '../migrations.js';
import type { OpenDatabase } from '../open-database.js';
import { poolConfig } from './pool-config.js';
import { PostgresWakeups } from './wakeups.js';

/**
 * Opens a pool on the PostgreSQL database at `url` and migrates it. Several instances (and CLI
 * commands) may do this at once: Kysely's migrator takes an advisory lock, so one migrates and the
 * others find the schema current.
 */
export async function openPostgres(url: string): Promise<OpenDatabase> {
  const config = poolConfig(url);
  const pool = new pg.Pool(config);
  // An idle pooled connection that breaks (a server restart) is reported here; the pool drops it and
  // the next query opens a new one. Without a listener the error would end the process.
  pool.on('error', () => undefined);
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  try {
    const schema = (await sql<{ schema: string | null }>`select current_schema() as schema`.execute(db)).rows[0]?.schema;
    if (!schema) throw new Error('The database has no current schema: check search_path in the database URL.');
    await migrateWithRetry(db, schema);
    const wakeups = new PostgresWakeups(db, config, schema);
    return { db, engine: 'postgres', wakeups, close: () => db.destroy() };
  } catch (error) {
    await db.destroy();
    throw error;
  }
}

/**
 * The migrator creates its own bookkeeping tables with CREATE TABLE IF NOT EXISTS before it takes its
 * lock; two processes doing that at once on a fresh database can collide in PostgreSQL's catalog
 * ("duplicate key value violates unique constraint"). Trying again finds the tables there.
 */
async function migrateWithRetry(db: Kysely<Database>, schema: string, attempts = 5): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await migrateToLatest(db, 'postgres', schema);
    } catch (error) {
      if (attempt >= attempts || !/already exists|duplicate key|deadlock/i.test(String((error as Error).message))) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50 * attempt));
    }
  }
}
