/**
 * The SQLite statement cache (packages/server/src/storage/sqlite/statement-cache.ts): statements are
 * prepared once per SQL text and reused, least recently used ones dropped beyond the capacity, and a
 * kept statement stays correct across a schema change and after it failed. Through Kysely, as the
 * server uses it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, sql, SqliteDialect } from 'kysely';
import { withStatementCache } from '../../packages/server/src/storage/sqlite/statement-cache.js';

async function withCachedDatabase(capacity: number, run: (db: Kysely<any>, prepared: string[]) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'portalkit-statements-'));
  const file = new SQLite(join(dir, 'test.db'));
  // Counts what reaches SQLite's prepare, the work the cache saves.
  const prepared: string[] = [];
  const prepare = file.prepare.bind(file);
  file.prepare = ((text: string) => (prepared.push(text), prepare(text))) as typeof file.prepare;
  const db = new Kysely<any>({ dialect: new SqliteDialect({ database: withStatementCache(file, capacity) }) });
  try {
    await run(db, prepared);
  } finally {
    await db.destroy();
    assert.equal(file.open, false, 'destroying Kysely closes the file');
    await rm(dir, { recursive: true, force: true });
  }
}

test('a query run again with other values is prepared once', async () => {
  await withCachedDatabase(10, async (db, prepared) => {
    await db.schema.createTable('t').addColumn('id', 'integer', (col) => col.primaryKey()).addColumn('name', 'text').execute();
    for (let id = 1; id <= 20; id++) await db.insertInto('t').values({ id, name: `n${id}` }).execute();
    for (let id = 1; id <= 20; id++) assert.deepEqual(await db.selectFrom('t').select('name').where('id', '=', id).execute(), [{ name: `n${id}` }]);
    const inserts = prepared.filter((text) => text.startsWith('insert'));
    const selects = prepared.filter((text) => text.startsWith('select'));
    assert.equal(inserts.length, 1);
    assert.equal(selects.length, 1);
  });
});

test('beyond its capacity the least recently used statement goes, and is prepared again when needed', async () => {
  await withCachedDatabase(2, async (db, prepared) => {
    const a = sql`select 1 as a`;
    const b = sql`select 2 as b`;
    const c = sql`select 3 as c`;
    for (const query of [a, b, a, c, a, b]) await query.execute(db);
    // a, b kept; a used (most recent); c evicts b; a kept; b prepared again.
    assert.deepEqual(prepared, ['select 1 as a', 'select 2 as b', 'select 3 as c', 'select 2 as b']);
  });
});

test('a kept statement follows a schema change and still works after it failed', async () => {
  await withCachedDatabase(10, async (db) => {
    await db.schema.createTable('t').addColumn('id', 'integer', (col) => col.primaryKey()).addColumn('name', 'text', (col) => col.notNull()).execute();
    const all = () => db.selectFrom('t').selectAll().orderBy('id').execute();
    await db.insertInto('t').values({ id: 1, name: 'one' }).execute();
    assert.deepEqual(await all(), [{ id: 1, name: 'one' }]);
    await db.schema.alterTable('t').addColumn('extra', 'text').execute();
    assert.deepEqual(await all(), [{ id: 1, name: 'one', extra: null }]);
    // The same insert statement fails (duplicate key), then succeeds with other values.
    await assert.rejects(db.insertInto('t').values({ id: 1, name: 'again' }).execute(), /UNIQUE constraint failed/);
    await db.insertInto('t').values({ id: 2, name: 'two' }).execute();
    assert.deepEqual((await all()).map((row) => row['name']), ['one', 'two']);
    // Inside a transaction that rolls back, and after it.
    await assert.rejects(
      db.transaction().execute(async (trx) => {
        await trx.insertInto('t').values({ id: 3, name: 'three' }).execute();
        throw new Error('roll back');
      }),
      /roll back/,
    );
    assert.deepEqual((await all()).map((row) => row['id']), [1, 2]);
  });
});

test('EXPLAIN and PRAGMA are never kept: a plan or catalog read after an index change is the new one', async () => {
  await withCachedDatabase(10, async (db, prepared) => {
    await db.schema.createTable('t').addColumn('id', 'integer', (col) => col.primaryKey()).addColumn('name', 'text').execute();
    const plan = async () => (await sql<{ detail: string }>`explain query plan select id from t where name = ${'x'}`.execute(db)).rows.map((row) => row.detail).join();
    const indexes = async () => (await sql<{ name: string }>`pragma index_list(t)`.execute(db)).rows.map((row) => row.name);
    assert.match(await plan(), /SCAN t/);
    assert.deepEqual(await indexes(), []);
    await db.schema.createIndex('t_by_name').on('t').column('name').execute();
    assert.match(await plan(), /USING COVERING INDEX t_by_name/);
    assert.deepEqual(await indexes(), ['t_by_name']);
    await db.schema.dropIndex('t_by_name').execute();
    assert.match(await plan(), /SCAN t/);
    assert.equal(prepared.filter((text) => text.startsWith('explain')).length, 3);
  });
});
