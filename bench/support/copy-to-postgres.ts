/**
 * Copies the data-list benchmark's data set from its SQLite file into a PostgreSQL database the server
 * has already migrated and synced (same tables, same columns), so both engines are measured on exactly
 * the same rows. Batched multi-row INSERTs with bound parameters through Kysely; foreign-key triggers
 * are off for the load (session_replication_role, superuser: the benchmark's own cluster), as a
 * restore would do, since rows arrive in file order rather than parents first. ANALYZE at the end, as
 * an operator's autovacuum would have done by the time the data is this size.
 */
import SQLite from 'better-sqlite3';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';

const TABLES = ['account', 'contact', 'pk_credentials', 'pk_contact_roles', 'pk_account_roles', 'incident', 'note', 'attachment'] as const;
/** PostgreSQL takes at most 65,535 bound parameters per statement. */
const MAX_PARAMETERS = 60_000;

export async function copyToPostgres(sqliteFile: string, url: string): Promise<{ rows: number; seconds: number }> {
  const started = performance.now();
  const source = new SQLite(sqliteFile, { readonly: true });
  const db = new Kysely<any>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: url, max: 1 }) }) });
  let rows = 0;
  try {
    await db.transaction().execute(async (trx) => {
      await sql`set local session_replication_role = replica`.execute(trx);
      for (const table of TABLES) {
        await trx.deleteFrom(table).execute();
        const columns = (source.prepare('select name from pragma_table_info(?)').all(table) as { name: string }[]).map((row) => row.name);
        const batchSize = Math.max(1, Math.floor(MAX_PARAMETERS / columns.length));
        let batch: Record<string, unknown>[] = [];
        const flush = async (): Promise<void> => {
          if (batch.length > 0) await trx.insertInto(table).values(batch).execute();
          rows += batch.length;
          batch = [];
        };
        // The table name is one of the constants above; better-sqlite3 cannot bind identifiers.
        for (const row of source.prepare(`select * from "${table}"`).iterate() as Iterable<Record<string, unknown>>) {
          batch.push(row);
          if (batch.length >= batchSize) await flush();
        }
        await flush();
      }
    });
    await sql`analyze`.execute(db);
  } finally {
    source.close();
    await db.destroy();
  }
  return { rows, seconds: (performance.now() - started) / 1000 };
}
