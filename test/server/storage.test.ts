import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../../packages/server/src/storage/open-database.js';

test('two processes opening a fresh data directory at once both get a migrated database', async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'portalkit-storage-'));
  try {
    const [first, second] = await Promise.all([openDatabase({ dataDir }), openDatabase({ dataDir })]);
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
    await rm(dataDir, { recursive: true, force: true });
  }
});

test('the database runs in WAL mode with synchronous=FULL and foreign keys on', async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'portalkit-storage-'));
  const { db, close } = await openDatabase({ dataDir });
  try {
    const { sql } = await import('kysely');
    const pragma = async (name: string) => Object.values((await sql.raw(`pragma ${name}`).execute(db)).rows[0] as object)[0];
    assert.equal(await pragma('journal_mode'), 'wal');
    assert.equal(await pragma('synchronous'), 2);
    assert.equal(await pragma('foreign_keys'), 1);
  } finally {
    await close();
    await rm(dataDir, { recursive: true, force: true });
  }
});
