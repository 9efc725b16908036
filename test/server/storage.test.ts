import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { createTestStorage, TEST_ENGINE } from '../support/test-database.js';
import { openDatabase } from '../../packages/server/src/storage/open-database.js';

test('two processes opening a fresh database at once both get a migrated database', async () => {
  const storage = await createTestStorage();
  try {
    const [first, second] = await Promise.all([openDatabase(storage.location), openDatabase(storage.location)]);
    try {
      for (const { db } of [first, second]) {
        const tables = await db.introspection.getTables();
        assert.ok(tables.some((table) => table.name === 'pk_sessions'));
      }
      const journal = await first.db.selectFrom('pk_sessions').select('id_hash').execute();
      assert.deepEqual(journal, []);
    } finally {
      await first.close();
      await second.close();
    }
  } finally {
    await storage.remove();
  }
});

test('the database runs in WAL mode with synchronous=FULL and foreign keys on', { skip: TEST_ENGINE !== 'sqlite' && 'SQLite only' }, async () => {
  const storage = await createTestStorage();
  const { db, close } = await openDatabase(storage.location);
  try {
    const pragma = async (name: string) => Object.values((await sql.raw(`pragma ${name}`).execute(db)).rows[0] as object)[0];
    assert.equal(await pragma('journal_mode'), 'wal');
    assert.equal(await pragma('synchronous'), 2);
    assert.equal(await pragma('foreign_keys'), 1);
  } finally {
    await close();
    await storage.remove();
  }
});

test('PostgreSQL connections carry a statement timeout, and bigint columns read as numbers like on SQLite', { skip: TEST_ENGINE !== 'postgres' && 'PostgreSQL only' }, async () => {
  const storage = await createTestStorage();
  const { db, close } = await openDatabase(storage.location);
  try {
    const timeout = await sql<{ statement_timeout: string }>`show statement_timeout`.execute(db);
    assert.equal(timeout.rows[0]?.statement_timeout, '10s');
    // The limit itself is the server setting above; a shorter one here keeps the test quick.
    await assert.rejects(
      db.transaction().execute(async (trx) => {
        await sql`set local statement_timeout = 100`.execute(trx);
        await sql`select pg_sleep(0.5)`.execute(trx);
      }),
      /statement timeout/,
    );
    const row = await sql<{ n: unknown; big: unknown; total: unknown }>`select count(*) as n, ${Number.MAX_SAFE_INTEGER}::bigint as big, sum(x)::numeric as total from (values (1), (2)) as v(x)`.execute(db);
    assert.deepEqual(row.rows[0], { n: 2, big: Number.MAX_SAFE_INTEGER, total: 3 });
  } finally {
    await close();
    await storage.remove();
  }
});

test('--db accepts only postgres URLs', async () => {
  const { databaseLocation } = await import('../../packages/server/src/cli/data-options.js');
  assert.deepEqual(databaseLocation({ db: 'postgres://u@127.0.0.1:5432/portal' }), { url: 'postgres://u@127.0.0.1:5432/portal' });
  assert.deepEqual(databaseLocation({ db: 'postgresql://u@db/portal' }), { url: 'postgresql://u@db/portal' });
  assert.throws(() => databaseLocation({ db: 'mysql://u@db/portal' }), /must be a postgres:\/\/ URL/);
  assert.throws(() => databaseLocation({ db: 'portal.db' }), /must be a URL/);
});

test('PostgreSQL instances wake each other through LISTEN/NOTIFY, and only for their own schema', { skip: TEST_ENGINE !== 'postgres' && 'PostgreSQL only' }, async () => {
  const storage = await createTestStorage();
  const [listener, writer] = [await openDatabase(storage.location), await openDatabase(storage.location)];
  // Another portal in another schema of the same database: its notifications share the channel.
  await sql`create schema other_portal`.execute(writer.db);
  const otherUrl = new URL(storage.url!);
  otherUrl.searchParams.set('options', '-c search_path=other_portal');
  const other = await openDatabase({ url: otherUrl.href });
  try {
    let wakes = 0;
    let woken: () => void = () => undefined;
    const stop = await listener.wakeups!.listen(() => {
      wakes++;
      woken();
    });
    try {
      await other.wakeups!.notify();
      const first = new Promise<void>((resolve) => (woken = resolve));
      await writer.wakeups!.notify();
      await Promise.race([first, new Promise((_, reject) => setTimeout(() => reject(new Error('no wake-up within 2 s')), 2_000))]);
      // The other schema's notification was sent first and, had it been taken, would have counted too.
      assert.equal(wakes, 1);
      // The other portal migrated into its own schema, not into ours.
      const tables = await sql<{ schema: string }>`select schemaname as schema from pg_tables where tablename = 'pk_sessions' order by 1`.execute(writer.db);
      assert.deepEqual(tables.rows.map((row) => row.schema), ['other_portal', 'public']);
    } finally {
      await stop();
    }
  } finally {
    await other.close();
    await listener.close();
    await writer.close();
    await storage.remove();
  }
});
