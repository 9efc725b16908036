import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import { compileModel } from '@portalkit/core';
import type { PortalConfig, PortalModel, TableConfig } from '@portalkit/core';
import { loadConfigOrThrow } from '@portalkit/core/config';
import { columnsOf, foreignKeys, indexesOf, queryPlan, schemaSnapshot, SORT_STEP, tableExists } from '../support/db-introspection.js';
import { createTestStorage, TEST_ENGINE } from '../support/test-database.js';
import type { TestStorage } from '../support/test-database.js';
import { openDatabase } from '../../packages/server/src/storage/open-database.js';
import type { OpenDatabase } from '../../packages/server/src/storage/open-database.js';
import {
  indexName,
  relationshipIndexName,
  SchemaChangeRefused,
  sortIndexName,
  SchemaConflict,
  syncDataTables,
} from '../../packages/server/src/data/schema/index.js';
import type { SchemaSyncReport } from '../../packages/server/src/data/schema/index.js';

const DEMO_CONFIG_FILE = fileURLToPath(new URL('../../examples/contoso/portal.config.json', import.meta.url));

async function demoConfig(): Promise<PortalConfig> {
  return JSON.parse(await readFile(DEMO_CONFIG_FILE, 'utf8')) as PortalConfig;
}

/** A configuration with just the two required roles and the given tables. */
function tinyConfig(tables: Record<string, TableConfig>): PortalConfig {
  return {
    site: { name: 'Schema test', origins: ['http://127.0.0.1:8787'] },
    webRoles: [
      { name: 'Anonymous Users', anonymous: true },
      { name: 'Authenticated Users', authenticated: true },
    ],
    tables,
  };
}

function modelOf(config: PortalConfig): PortalModel {
  return loadConfigOrThrow(structuredClone(config)).model;
}

/** How each engine words a foreign key violation. */
const FOREIGN_KEY_FAILED = /FOREIGN KEY constraint failed|violates foreign key constraint/;

const NOTHING: SchemaSyncReport = {
  created: [],
  addedColumns: [],
  retained: [],
  dropped: [],
  retyped: [],
  indexed: [],
  unindexed: [],
  relationshipIndexed: [],
  relationshipUnindexed: [],
};

/** A fresh, migrated database (a SQLite file, or a PostgreSQL database of its own). */
async function withDatabase(work: (db: Kysely<any>, open: OpenDatabase, storage: TestStorage) => Promise<void>): Promise<void> {
  const storage = await createTestStorage();
  const open = await openDatabase(storage.location);
  try {
    await work(open.db as Kysely<any>, open, storage);
  } finally {
    await open.close();
    await storage.remove();
  }
}

function sync(open: OpenDatabase, model: PortalModel, allowDestructive = false): Promise<SchemaSyncReport> {
  return syncDataTables(open.db, open.engine, model, { allowDestructive });
}

async function recorded(db: Kysely<any>): Promise<Map<string, { type: string; target: string | null; built_in: number }>> {
  const rows = await db.selectFrom('pk_data_columns').select(['table_name', 'column_name', 'type', 'target', 'built_in']).execute();
  return new Map(rows.map((row) => [`${row.table_name}.${row.column_name}`, { type: row.type, target: row.target, built_in: Number(row.built_in) }]));
}

const CHILD = fileURLToPath(new URL('../support/sync-data-tables-child.ts', import.meta.url));

/** Runs a sync of the demo configuration in a separate process. */
function syncInChildProcess(storage: TestStorage, startAt: number): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', CHILD, storage.url ?? storage.dataDir, DEMO_CONFIG_FILE, String(startAt)],
      { timeout: 20_000 },
      (error, stdout, stderr) => resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr }),
    );
  });
}

function systemValues(id: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { id, createdon: 1_700_000_000_000, modifiedon: 1_700_000_000_000, ...extra };
}

describe('syncDataTables over the demo configuration', () => {
  test('creates the config tables with their columns, storage types and system columns', async () => {
    await withDatabase(async (db, open) => {
      const report = await sync(open, modelOf(await demoConfig()));
      assert.deepEqual(report.created, ['incident', 'note', 'attachment', 'announcement']);

      const incident = await columnsOf(db, 'incident');
      assert.deepEqual(
        [...incident.keys()],
        ['id', 'title', 'description', 'status', 'priority', 'customerid', 'accountid', 'internalnotes', 'createdon', 'modifiedon', 'rowversion'],
      );
      assert.deepEqual(incident.get('id'), { type: 'text', notnull: 1, pk: 1, dflt_value: null });
      for (const text of ['title', 'description', 'status', 'customerid', 'accountid', 'internalnotes']) {
        assert.deepEqual(incident.get(text), { type: 'text', notnull: 0, pk: 0, dflt_value: null }, text);
      }
      // `required` is enforced by the API on writes; the column itself stays nullable.
      assert.equal(incident.get('title')?.notnull, 0);
      assert.equal(incident.get('priority')?.type, 'bigint');
      assert.deepEqual(incident.get('createdon'), { type: 'bigint', notnull: 1, pk: 0, dflt_value: null });
      assert.deepEqual(incident.get('modifiedon'), { type: 'bigint', notnull: 1, pk: 0, dflt_value: null });
      assert.deepEqual(incident.get('rowversion'), { type: 'integer', notnull: 1, pk: 0, dflt_value: '1' });
      assert.equal((await columnsOf(db, 'announcement')).get('published')?.type, 'integer');
    });
  });

  test('lookups get foreign keys (ON DELETE RESTRICT) and indexes; every table an index on (createdon, id)', async () => {
    await withDatabase(async (db, open) => {
      await sync(open, modelOf(await demoConfig()));
      assert.deepEqual(await foreignKeys(db, 'incident'), [
        { from: 'accountid', table: 'account', to: 'id', on_delete: 'RESTRICT' },
        { from: 'customerid', table: 'contact', to: 'id', on_delete: 'RESTRICT' },
      ]);
      assert.deepEqual(await foreignKeys(db, 'note'), [{ from: 'incidentid', table: 'incident', to: 'id', on_delete: 'RESTRICT' }]);
      assert.deepEqual(await foreignKeys(db, 'attachment'), [{ from: 'noteid', table: 'note', to: 'id', on_delete: 'RESTRICT' }]);
      assert.deepEqual(await foreignKeys(db, 'announcement'), []);

      assert.deepEqual(
        await indexesOf(db, 'incident'),
        new Map([
          [indexName('incident', ['createdon', 'id']), ['createdon', 'id']],
          [indexName('incident', ['customerid']), ['customerid']],
          [indexName('incident', ['accountid']), ['accountid']],
          [sortIndexName('incident', 'title'), ['title', 'id']],
          [sortIndexName('incident', 'status'), ['status', 'id']],
          [sortIndexName('incident', 'priority'), ['priority', 'id']],
          // The contact and account scopes (own incidents, account incidents), where the notes' parent scopes start too.
          [relationshipIndexName('incident', 'customerid'), ['customerid', 'createdon', 'id']],
          [relationshipIndexName('incident', 'accountid'), ['accountid', 'createdon', 'id']],
        ]),
      );
      assert.deepEqual(
        await indexesOf(db, 'note'),
        new Map([
          [indexName('note', ['createdon', 'id']), ['createdon', 'id']],
          [indexName('note', ['incidentid']), ['incidentid']],
          [relationshipIndexName('note', 'incidentid'), ['incidentid', 'createdon', 'id']],
        ]),
      );
      assert.deepEqual(await indexesOf(db, 'announcement'), new Map([[indexName('announcement', ['createdon', 'id']), ['createdon', 'id']]]));
      for (const name of [indexName('incident', ['customerid']), indexName('a_very_long_table_name_'.repeat(3), ['x'.repeat(60)])]) {
        assert.match(name, /^pk_ix_[a-z0-9_]+_[0-9a-f]{10}$/);
        assert.ok(name.length <= 63, name);
      }
    });
  });

  test('the foreign keys hold: a dangling lookup and deleting a referenced row both fail', async () => {
    await withDatabase(async (db, open) => {
      await sync(open, modelOf(await demoConfig()));
      await assert.rejects(
        db.insertInto('note').values(systemValues('n0', { text: 'orphan', incidentid: 'missing' })).execute(),
        FOREIGN_KEY_FAILED,
      );
      await db.insertInto('incident').values(systemValues('i1', { title: 'Printer on fire' })).execute();
      await db.insertInto('note').values(systemValues('n1', { text: 'On it', incidentid: 'i1' })).execute();
      await assert.rejects(db.deleteFrom('incident').where('id', '=', 'i1').execute(), FOREIGN_KEY_FAILED);
      await assert.rejects(
        db.insertInto('incident').values(systemValues('i2', { title: 'x', customerid: 'nobody' })).execute(),
        FOREIGN_KEY_FAILED,
      );
      const notes = await db.selectFrom('note').select(['id', 'incidentid', 'rowversion']).execute();
      assert.deepEqual(notes, [{ id: 'n1', incidentid: 'i1', rowversion: 1 }]);
    });
  });

  test('adds the config profile columns to contact and records the built-in columns as built-in', async () => {
    await withDatabase(async (db, open) => {
      const report = await sync(open, modelOf(await demoConfig()));
      assert.deepEqual(report.addedColumns, ['contact.jobtitle', 'contact.phone', 'contact.creditlimit']);
      const contact = await columnsOf(db, 'contact');
      assert.equal(contact.get('jobtitle')?.type, 'text');
      assert.equal(contact.get('phone')?.type, 'text');
      assert.equal(contact.get('creditlimit')?.type, 'double precision');
      assert.ok(contact.has('username_key'), 'the internal columns are untouched');

      const record = await recorded(db);
      for (const column of ['id', 'createdon', 'modifiedon', 'rowversion']) {
        assert.deepEqual(record.get(`contact.${column}`), { type: 'system', target: null, built_in: 1 });
        assert.deepEqual(record.get(`incident.${column}`), { type: 'system', target: null, built_in: 0 });
      }
      assert.deepEqual(record.get('contact.email'), { type: 'string', target: null, built_in: 1 });
      assert.deepEqual(record.get('contact.accountid'), { type: 'lookup', target: 'account', built_in: 1 });
      assert.deepEqual(record.get('account.parentaccountid'), { type: 'lookup', target: 'account', built_in: 1 });
      assert.deepEqual(record.get('contact.jobtitle'), { type: 'string', target: null, built_in: 0 });
      assert.deepEqual(record.get('incident.customerid'), { type: 'lookup', target: 'contact', built_in: 0 });
      assert.equal(record.has('contact.username_key'), false, 'internal columns are not data columns');
    });
  });

  test('a second run with the same configuration changes nothing', async () => {
    await withDatabase(async (db, open) => {
      const model = modelOf(await demoConfig());
      await sync(open, model);
      const before = await schemaSnapshot(db);
      const recordBefore = await recorded(db);
      assert.deepEqual(await sync(open, model), NOTHING);
      assert.deepEqual(await sync(open, modelOf(await demoConfig())), NOTHING);
      assert.equal(await schemaSnapshot(db), before);
      assert.deepEqual(await recorded(db), recordBefore);
    });
  });

  test('the same data directory opened again (a restart) finds nothing to do', async () => {
    const storage = await createTestStorage();
    try {
      const model = modelOf(await demoConfig());
      const first = await openDatabase(storage.location);
      await sync(first, model);
      await first.close();
      const second = await openDatabase(storage.location);
      try {
        assert.deepEqual(await sync(second, model), NOTHING);
      } finally {
        await second.close();
      }
    } finally {
      await storage.remove();
    }
  });
});

describe('changing the configuration later', () => {
  test('a new table and a new column are added; existing rows keep their data and get NULL', async () => {
    await withDatabase(async (db, open) => {
      const config = await demoConfig();
      await sync(open, modelOf(config));
      await db.insertInto('incident').values(systemValues('i1', { title: 'Keep me', priority: 2 })).execute();

      config.tables!['incident']!.columns['severity'] = { type: 'integer' };
      config.tables!['incident']!.columns['assetid'] = { type: 'lookup', table: 'asset' };
      config.tables!['contact']!.columns['birthday'] = { type: 'datetime' };
      config.tables!['asset'] = { columns: { serial: { type: 'string', maxLength: 40 }, ownerid: { type: 'lookup', table: 'contact' } } };
      const report = await sync(open, modelOf(config));
      assert.deepEqual(report, {
        ...NOTHING,
        created: ['asset'],
        addedColumns: ['contact.birthday', 'incident.severity', 'incident.assetid'],
      });

      assert.deepEqual(await db.selectFrom('incident').select(['id', 'title', 'priority', 'severity', 'assetid', 'rowversion']).execute(), [
        { id: 'i1', title: 'Keep me', priority: 2, severity: null, assetid: null, rowversion: 1 },
      ]);
      assert.deepEqual(await foreignKeys(db, 'incident'), [
        { from: 'accountid', table: 'account', to: 'id', on_delete: 'RESTRICT' },
        { from: 'assetid', table: 'asset', to: 'id', on_delete: 'RESTRICT' },
        { from: 'customerid', table: 'contact', to: 'id', on_delete: 'RESTRICT' },
      ]);
      assert.deepEqual((await indexesOf(db, 'incident')).get(indexName('incident', ['assetid'])), ['assetid']);
      await assert.rejects(db.updateTable('incident').set({ assetid: 'nope' }).execute(), FOREIGN_KEY_FAILED);
      assert.equal((await columnsOf(db, 'contact')).get('birthday')?.type, 'text');
      assert.deepEqual(await sync(open, modelOf(config)), NOTHING);
    });
  });

  test('a column removed from the configuration keeps its data (retained); allowDestructive drops it and its index', async () => {
    await withDatabase(async (db, open) => {
      const config = tinyConfig({
        ticket: { columns: { title: { type: 'string' }, ownerid: { type: 'lookup', table: 'contact' }, score: { type: 'decimal' } } },
        contact: { columns: { nickname: { type: 'string' } } },
      });
      await sync(open, modelOf(config));
      await db.insertInto('contact').values(systemValues('c1', { nickname: 'Bee' })).execute();
      await db.insertInto('ticket').values(systemValues('t1', { title: 'A', ownerid: 'c1', score: 1.5 })).execute();

      const without = structuredClone(config);
      delete without.tables!['ticket']!.columns['ownerid'];
      delete without.tables!['ticket']!.columns['score'];
      delete without.tables!['contact'];
      const retained = await sync(open, modelOf(without));
      assert.deepEqual(retained, { ...NOTHING, retained: ['contact.nickname', 'ticket.ownerid', 'ticket.score'] });
      assert.deepEqual(await db.selectFrom('ticket').select(['id', 'title', 'ownerid', 'score']).execute(), [
        { id: 't1', title: 'A', ownerid: 'c1', score: 1.5 },
      ]);
      assert.equal((await db.selectFrom('contact').select('nickname').executeTakeFirstOrThrow()).nickname, 'Bee');
      // Reported again on every start, until someone decides.
      assert.deepEqual(await sync(open, modelOf(without)), retained);

      const dropped = await sync(open, modelOf(without), true);
      assert.deepEqual(dropped, { ...NOTHING, dropped: ['contact.nickname', 'ticket.ownerid', 'ticket.score'] });
      assert.deepEqual([...(await columnsOf(db, 'ticket')).keys()], ['id', 'title', 'createdon', 'modifiedon', 'rowversion']);
      assert.equal((await columnsOf(db, 'contact')).has('nickname'), false);
      assert.deepEqual(await foreignKeys(db, 'ticket'), []);
      assert.equal((await indexesOf(db, 'ticket')).has(indexName('ticket', ['ownerid'])), false);
      assert.equal((await recorded(db)).has('ticket.ownerid'), false);
      assert.deepEqual(await db.selectFrom('ticket').select(['id', 'title']).execute(), [{ id: 't1', title: 'A' }]);
      assert.deepEqual(await sync(open, modelOf(without), true), NOTHING);

      // Declared again later: a new, empty column.
      assert.deepEqual(await sync(open, modelOf(config)), { ...NOTHING, addedColumns: ['contact.nickname', 'ticket.ownerid', 'ticket.score'] });
      assert.deepEqual(await db.selectFrom('ticket').select(['ownerid', 'score']).execute(), [{ ownerid: null, score: null }]);
    });
  });

  test('a retained column declared again with the same type comes back with its data', async () => {
    await withDatabase(async (db, open) => {
      const config = tinyConfig({ ticket: { columns: { title: { type: 'string' }, score: { type: 'integer' } } } });
      await sync(open, modelOf(config));
      await db.insertInto('ticket').values(systemValues('t1', { title: 'A', score: 7 })).execute();
      const without = structuredClone(config);
      delete without.tables!['ticket']!.columns['score'];
      assert.deepEqual((await sync(open, modelOf(without))).retained, ['ticket.score']);
      assert.deepEqual(await sync(open, modelOf(config)), NOTHING);
      assert.equal((await db.selectFrom('ticket').select('score').executeTakeFirstOrThrow()).score, 7);
    });
  });

  test('a table removed from the configuration is retained with its rows; allowDestructive drops it', async () => {
    await withDatabase(async (db, open) => {
      const config = await demoConfig();
      await sync(open, modelOf(config));
      await db.insertInto('incident').values(systemValues('i1', { title: 'x' })).execute();
      await db.insertInto('note').values(systemValues('n1', { text: 'y', incidentid: 'i1' })).execute();
      await db.insertInto('attachment').values(systemValues('a1', { filename: 'z.png', noteid: 'n1' })).execute();

      const without = structuredClone(config);
      delete without.tables!['attachment'];
      delete without.tables!['note'];
      without.tablePermissions = without.tablePermissions!.filter((permission) => !['note', 'attachment'].includes(permission.table));
      // Kept tables keep their data; the indexes their parent scopes needed go with the permissions (the
      // incidents' contact and account scopes stay, and so do their indexes), and so does the sort index
      // of the attachments' sortable file name.
      const retained = await sync(open, modelOf(without));
      assert.deepEqual(
        { ...retained, relationshipUnindexed: retained.relationshipUnindexed.sort() },
        {
          ...NOTHING,
          retained: ['attachment', 'note'],
          unindexed: [sortIndexName('attachment', 'filename')],
          relationshipUnindexed: [relationshipIndexName('note', 'incidentid'), relationshipIndexName('attachment', 'noteid')].sort(),
        },
      );
      assert.equal((await db.selectFrom('attachment').select('filename').executeTakeFirstOrThrow()).filename, 'z.png');

      // Rows of the dropped tables point at each other and at a kept table: none of that may block the drop.
      assert.deepEqual(await sync(open, modelOf(without), true), { ...NOTHING, dropped: ['attachment', 'note'] });
      assert.equal(await tableExists(db, 'note'), false);
      assert.equal(await tableExists(db, 'attachment'), false);
      assert.equal([...(await recorded(db)).keys()].some((key) => key.startsWith('note.') || key.startsWith('attachment.')), false);
      assert.equal((await indexesOf(db, 'incident')).size, 8); // created order, two lookups, three sortable columns, two scopes
      // The kept table is whole, and its row can be deleted now nothing refers to it.
      await db.deleteFrom('incident').where('id', '=', 'i1').execute();
    });
  });

  test('a type change is refused with a clear message and changes nothing; allowDestructive recreates the column', async () => {
    await withDatabase(async (db, open) => {
      const config = await demoConfig();
      await sync(open, modelOf(config));
      await db.insertInto('incident').values(systemValues('i1', { title: 'x', priority: 3 })).execute();
      const before = await schemaSnapshot(db);
      const recordBefore = await recorded(db);

      const changed = structuredClone(config);
      changed.tables!['incident']!.columns['priority'] = { type: 'string', maxLength: 20 };
      // Harmless changes in the same configuration must not be applied either: all or nothing.
      changed.tables!['incident']!.columns['severity'] = { type: 'integer' };
      changed.tables!['asset'] = { columns: { serial: { type: 'string' } } };
      await assert.rejects(sync(open, modelOf(changed)), (error: unknown) => {
        assert.ok(error instanceof SchemaChangeRefused);
        assert.equal(
          error.message,
          'The configuration changes a column in ways that would lose data; nothing was changed:\n' +
            '  - Column incident.priority changes type from integer to string; applying it needs --allow-destructive, ' +
            'which drops and recreates the column and LOSES its data.',
        );
        assert.deepEqual(error.changes.map(({ table, column, from, to }) => ({ table, column, from, to })), [
          { table: 'incident', column: 'priority', from: 'integer', to: 'string' },
        ]);
        return true;
      });
      assert.equal(await schemaSnapshot(db), before);
      assert.deepEqual(await recorded(db), recordBefore);
      assert.equal(await tableExists(db, 'asset'), false);

      const report = await sync(open, modelOf(changed), true);
      assert.deepEqual(report, {
        ...NOTHING,
        created: ['asset'],
        addedColumns: ['incident.severity', 'incident.priority'],
        dropped: ['incident.priority'],
      });
      assert.equal((await columnsOf(db, 'incident')).get('priority')?.type, 'text');
      assert.deepEqual(await db.selectFrom('incident').select(['id', 'title', 'priority']).execute(), [{ id: 'i1', title: 'x', priority: null }]);
      assert.deepEqual((await recorded(db)).get('incident.priority'), { type: 'string', target: null, built_in: 0 });
      assert.deepEqual(await sync(open, modelOf(changed)), NOTHING);
    });
  });

  test('lookup target changes and lookups turned into text are refused, each in its own sentence', async () => {
    await withDatabase(async (db, open) => {
      const config = await demoConfig();
      await sync(open, modelOf(config));
      const changed = structuredClone(config);
      changed.tables!['incident']!.columns['accountid'] = { type: 'lookup', table: 'contact' };
      changed.tables!['attachment']!.columns['noteid'] = { type: 'string' };
      changed.tablePermissions = changed.tablePermissions!.filter(
        (permission) => permission.table !== 'attachment' && !(permission.table === 'incident' && permission.scope === 'account'),
      );
      changed.tablePermissions = changed.tablePermissions.filter((permission) => permission.parent !== 'Account incidents');
      const error = await sync(open, modelOf(changed)).then(
        () => assert.fail('expected a refusal'),
        (caught: unknown) => caught,
      );
      assert.ok(error instanceof SchemaChangeRefused);
      assert.equal(
        error.message,
        'The configuration changes 2 columns in ways that would lose data; nothing was changed:\n' +
          '  - Column incident.accountid changes its lookup target from account to contact; applying it needs --allow-destructive, which drops and recreates the column and LOSES its data.\n' +
          '  - Column attachment.noteid changes type from lookup (to note) to string; applying it needs --allow-destructive, which drops and recreates the column and LOSES its data.',
      );

      await db.insertInto('incident').values(systemValues('i1', { title: 'x' })).execute();
      await db.insertInto('note').values(systemValues('n1', { text: 'y', incidentid: 'i1' })).execute();
      await db.insertInto('attachment').values(systemValues('a1', { filename: 'f', noteid: 'n1' })).execute();
      const report = await sync(open, modelOf(changed), true);
      assert.deepEqual(report.dropped, ['incident.accountid', 'attachment.noteid']);
      assert.deepEqual(await foreignKeys(db, 'incident'), [
        { from: 'accountid', table: 'contact', to: 'id', on_delete: 'RESTRICT' },
        { from: 'customerid', table: 'contact', to: 'id', on_delete: 'RESTRICT' },
      ]);
      assert.deepEqual(await foreignKeys(db, 'attachment'), []);
      assert.deepEqual((await indexesOf(db, 'attachment')).has(indexName('attachment', ['noteid'])), false);
      // The note is no longer referenced: it can go.
      await db.deleteFrom('note').where('id', '=', 'n1').execute();
    });
  });

  test('changes among string, text and choice keep the data: only the record changes', async () => {
    await withDatabase(async (db, open) => {
      const config = await demoConfig();
      await sync(open, modelOf(config));
      await db.insertInto('incident').values(systemValues('i1', { title: 'x', status: 'open', description: 'long' })).execute();
      const before = await schemaSnapshot(db);
      const changed = structuredClone(config);
      changed.tables!['incident']!.columns['status'] = { type: 'string', maxLength: 20, sortable: true };
      changed.tables!['incident']!.columns['description'] = { type: 'string' };
      assert.deepEqual(await sync(open, modelOf(changed)), {
        ...NOTHING,
        retyped: ['incident.description: text → string', 'incident.status: choice → string'],
      });
      assert.equal(await schemaSnapshot(db), before);
      assert.deepEqual(await db.selectFrom('incident').select(['status', 'description']).execute(), [{ status: 'open', description: 'long' }]);
      assert.deepEqual((await recorded(db)).get('incident.status'), { type: 'string', target: null, built_in: 0 });
      assert.deepEqual(await sync(open, modelOf(changed)), NOTHING);
    });
  });
});

describe('awkward shapes', () => {
  test('two new tables looking each other up, and a table looking itself up', async () => {
    await withDatabase(async (db, open) => {
      const config = tinyConfig({
        team: { columns: { name: { type: 'string' }, leadid: { type: 'lookup', table: 'member' } } },
        member: { columns: { teamid: { type: 'lookup', table: 'team' }, mentorid: { type: 'lookup', table: 'member' } } },
      });
      const report = await sync(open, modelOf(config));
      assert.deepEqual(report, { ...NOTHING, created: ['team', 'member'] });
      assert.deepEqual(await foreignKeys(db, 'team'), [{ from: 'leadid', table: 'member', to: 'id', on_delete: 'RESTRICT' }]);
      assert.deepEqual(await foreignKeys(db, 'member'), [
        { from: 'mentorid', table: 'member', to: 'id', on_delete: 'RESTRICT' },
        { from: 'teamid', table: 'team', to: 'id', on_delete: 'RESTRICT' },
      ]);
      for (const [table, column] of [['team', 'leadid'], ['member', 'teamid'], ['member', 'mentorid']] as const) {
        assert.deepEqual((await indexesOf(db, table)).get(indexName(table, [column])), [column], `${table}.${column}`);
      }
      await db.insertInto('team').values(systemValues('t1', { name: 'Blue' })).execute();
      await db.insertInto('member').values(systemValues('m1', { teamid: 't1' })).execute();
      await db.insertInto('member').values(systemValues('m2', { teamid: 't1', mentorid: 'm1' })).execute();
      await db.updateTable('team').set({ leadid: 'm1' }).where('id', '=', 't1').execute();
      await assert.rejects(db.updateTable('team').set({ leadid: 'ghost' }).execute(), FOREIGN_KEY_FAILED);
      await assert.rejects(db.deleteFrom('member').where('id', '=', 'm1').execute(), FOREIGN_KEY_FAILED);
      assert.deepEqual(await sync(open, modelOf(config)), NOTHING);

      // Dropping both, rows pointing at each other and at themselves, in one go.
      assert.deepEqual(await sync(open, modelOf(tinyConfig({})), true), { ...NOTHING, dropped: ['member', 'team'] });
      assert.equal(await tableExists(db, 'team'), false);
      assert.equal(await tableExists(db, 'member'), false);
    });
  });

  test('SQL keywords as table and column names work everywhere', async () => {
    await withDatabase(async (db, open) => {
      const config = tinyConfig({
        order: {
          columns: {
            select: { type: 'string', required: true },
            group: { type: 'lookup', table: 'order' },
            from: { type: 'integer' },
            where: { type: 'lookup', table: 'select' },
          },
        },
        select: { columns: { table: { type: 'boolean' }, order: { type: 'lookup', table: 'order' } } },
      });
      assert.deepEqual((await sync(open, modelOf(config))).created, ['order', 'select']);
      await db.insertInto('order').values(systemValues('o1', { select: 'drop table contact; --', from: 1 })).execute();
      await db.insertInto('select').values(systemValues('s1', { table: 1, order: 'o1' })).execute();
      await db.updateTable('order').set({ group: 'o1', where: 's1' }).where('id', '=', 'o1').execute();
      assert.deepEqual(await db.selectFrom('order').select(['select', 'group', 'from', 'where']).execute(), [
        { select: 'drop table contact; --', group: 'o1', from: 1, where: 's1' },
      ]);
      assert.deepEqual(await foreignKeys(db, 'order'), [
        { from: 'group', table: 'order', to: 'id', on_delete: 'RESTRICT' },
        { from: 'where', table: 'select', to: 'id', on_delete: 'RESTRICT' },
      ]);
      assert.ok(await tableExists(db, 'contact'));

      const changed = structuredClone(config);
      changed.tables!['order']!.columns['from'] = { type: 'string' };
      delete changed.tables!['order']!.columns['group'];
      changed.tables!['select']!.columns['check'] = { type: 'datetime' };
      await assert.rejects(sync(open, modelOf(changed)), /Column order\.from changes type from integer to string/);
      assert.deepEqual(await sync(open, modelOf(changed), true), {
        ...NOTHING,
        addedColumns: ['select.check', 'order.from'],
        dropped: ['order.from', 'order.group'],
      });
      assert.deepEqual(await sync(open, modelOf(changed)), NOTHING);
    });
  });

  test('a configured column that would adopt an internal column (contact.username_key) is refused', async () => {
    await withDatabase(async (db, open) => {
      const config = tinyConfig({ contact: { columns: { username_key: { type: 'string' }, pronouns: { type: 'string' } } } });
      const before = await schemaSnapshot(db);
      await assert.rejects(sync(open, modelOf(config)), (error: unknown) => {
        assert.ok(error instanceof SchemaConflict);
        assert.match(error.message, /Column contact\.username_key already exists in the database, but PortalKit did not create it/);
        return true;
      });
      assert.equal(await schemaSnapshot(db), before);
    });
  });

  test('a table that exists but was not created by PortalKit is refused, not adopted', async () => {
    await withDatabase(async (db, open) => {
      await db.schema.createTable('incident').addColumn('id', 'text').addColumn('secret', 'text').execute();
      const before = await schemaSnapshot(db);
      await assert.rejects(sync(open, modelOf(await demoConfig())), /Table incident already exists in the database, but PortalKit did not create it/);
      assert.equal(await schemaSnapshot(db), before);
    });
  });

  test("a config table named like Kysely's migration table is refused by the validator, and by the sync if validation were skipped", async () => {
    await withDatabase(async (_db, open) => {
      const config = tinyConfig({ kysely_migration: { columns: { note: { type: 'string' } } } });
      assert.throws(() => modelOf(config), /"kysely_migration" is reserved/);
      await assert.rejects(sync(open, compileModel(structuredClone(config))), /Table kysely_migration already exists in the database, but PortalKit did not create it/);
    });
  });

  test('a recorded table that disappeared is reported, not recreated over the gap', async () => {
    await withDatabase(async (db, open) => {
      const model = modelOf(await demoConfig());
      await sync(open, model);
      await db.schema.dropTable('attachment').execute();
      await assert.rejects(sync(open, model), /Table attachment is missing from the database, though PortalKit created it/);
    });
  });

  test('a failure half-way through rolls everything back', async () => {
    await withDatabase(async (db, open) => {
      // Squat the name of an index the sync creates after the first table: CREATE INDEX then fails.
      await db.schema.createIndex(indexName('incident', ['customerid'])).on('contact').column('email').execute();
      const before = await schemaSnapshot(db);
      await assert.rejects(sync(open, modelOf(await demoConfig())), /already exists/);
      assert.equal(await schemaSnapshot(db), before);
      assert.equal(await tableExists(db, 'incident'), false);
      assert.equal(await tableExists(db, 'pk_data_columns'), false);
      assert.equal((await columnsOf(db, 'contact')).has('jobtitle'), false);
    });
  });

  test('two processes syncing one database at once: one creates the tables, the other finds them made', async () => {
    await withDatabase(async (db, _open, storage) => {
      const startAt = Date.now() + 2500; // both children are open and waiting by then
      const runs = await Promise.all([syncInChildProcess(storage, startAt), syncInChildProcess(storage, startAt)]);
      for (const run of runs) assert.equal(run.code, 0, run.stderr);
      const reports = runs.map((run) => JSON.parse(run.stdout) as SchemaSyncReport);
      assert.deepEqual(reports.map((report) => report.created.length).sort(), [0, 4]);
      assert.ok(reports.some((report) => JSON.stringify(report) === JSON.stringify(NOTHING)));
      assert.ok(await tableExists(db, 'attachment'));
    });
  });
});

describe('sort indexes for sortable columns', () => {
  const ticketConfig = (sortable: { title?: boolean; score?: boolean }): PortalConfig =>
    tinyConfig({
      ticket: {
        columns: {
          title: { type: 'string', ...(sortable.title ? { sortable: true } : {}) },
          score: { type: 'integer', ...(sortable.score ? { sortable: true } : {}) },
        },
      },
    });

  test('the demo configuration gets a (column, id) index per sortable column, and a second sync adds nothing', async () => {
    await withDatabase(async (db, open) => {
      const report = await sync(open, modelOf(await demoConfig()));
      assert.deepEqual(report.indexed.sort(), ['attachment.filename', 'incident.priority', 'incident.status', 'incident.title']);
      const indexes = await indexesOf(db, 'incident');
      assert.deepEqual(indexes.get(sortIndexName('incident', 'title')), ['title', 'id']);
      assert.deepEqual(await sync(open, modelOf(await demoConfig())), NOTHING);
    });
  });

  test('a page sorted by a sortable column reads the index in order instead of sorting every row', async () => {
    await withDatabase(async (db, open) => {
      await sync(open, modelOf(ticketConfig({ title: true })));
      const page = sql`select id from ticket order by title desc, id desc limit 50`;
      const details = await queryPlan(db, page);
      assert.match(details, new RegExp(sortIndexName('ticket', 'title')));
      assert.doesNotMatch(details, SORT_STEP);
      // Without the flag, the same query sorts: what the index is for.
      await sync(open, modelOf(ticketConfig({})));
      assert.match(await queryPlan(db, page), SORT_STEP);
    });
  });

  test('turning sortable on and off adds and drops only the index, never data', async () => {
    await withDatabase(async (db, open) => {
      await sync(open, modelOf(ticketConfig({})));
      await db.insertInto('ticket').values(systemValues('t1', { title: 'kept', score: 3 })).execute();
      assert.deepEqual(await sync(open, modelOf(ticketConfig({ title: true, score: true }))), {
        ...NOTHING,
        indexed: ['ticket.title', 'ticket.score'],
      });
      assert.deepEqual(await sync(open, modelOf(ticketConfig({ score: true }))), {
        ...NOTHING,
        unindexed: [sortIndexName('ticket', 'title')],
      });
      assert.deepEqual([...(await indexesOf(db, 'ticket')).keys()].filter((name) => name.startsWith('pk_sx_')), [sortIndexName('ticket', 'score')]);
      const rows = await db.selectFrom('ticket').select(['id', 'title', 'score']).execute();
      assert.deepEqual(rows.map((row) => ({ ...row, score: Number(row.score) })), [{ id: 't1', title: 'kept', score: 3 }]);
    });
  });

  test('a sortable column can still be dropped (with allowDestructive): its index goes first', async () => {
    await withDatabase(async (db, open) => {
      await sync(open, modelOf(ticketConfig({ title: true, score: true })));
      const withoutScore = tinyConfig({ ticket: { columns: { title: { type: 'string', sortable: true } } } });
      assert.deepEqual(await sync(open, modelOf(withoutScore), true), { ...NOTHING, dropped: ['ticket.score'] });
      assert.equal((await columnsOf(db, 'ticket')).has('score'), false);
      assert.ok((await indexesOf(db, 'ticket')).has(sortIndexName('ticket', 'title')));
    });
  });

  test('indexes someone else made are left alone, whatever they are called', async () => {
    await withDatabase(async (db, open) => {
      await sync(open, modelOf(ticketConfig({})));
      await db.schema.createIndex('ticket_by_score').on('ticket').column('score').execute();
      assert.deepEqual(await sync(open, modelOf(ticketConfig({}))), NOTHING);
      assert.ok((await indexesOf(db, 'ticket')).has('ticket_by_score'));
    });
  });
});

describe('relationship and scope indexes', () => {
  /**
   * `ticket` (contact and account scoped unless `unscoped`) and `comment` on it; `parent` adds the
   * parent-scope permissions.
   */
  const commentConfig = (parent: { own?: boolean; account?: boolean }, extra: { dropLookup?: boolean; unscoped?: boolean } = {}): PortalConfig => ({
    ...tinyConfig({
      ticket: { columns: { title: { type: 'string' }, customerid: { type: 'lookup', table: 'contact' }, accountid: { type: 'lookup', table: 'account' } } },
      comment: { columns: { body: { type: 'string' }, ...(extra.dropLookup ? {} : { ticketid: { type: 'lookup', table: 'ticket' } }) } },
    }),
    tablePermissions: [
      ...(extra.unscoped
        ? []
        : [
            { name: 'Own tickets', table: 'ticket', scope: 'contact' as const, contactColumn: 'customerid', privileges: ['read' as const], roles: ['Authenticated Users'] },
            { name: 'Account tickets', table: 'ticket', scope: 'account' as const, accountColumn: 'accountid', privileges: ['read' as const], roles: ['Authenticated Users'] },
          ]),
      ...(parent.own ? [{ name: 'Comments on own tickets', table: 'comment', scope: 'parent' as const, parent: 'Own tickets', relationship: 'ticketid', privileges: ['read' as const] }] : []),
      ...(parent.account
        ? [{ name: 'Comments on account tickets', table: 'comment', scope: 'parent' as const, parent: 'Account tickets', relationship: 'ticketid', privileges: ['read' as const] }]
        : []),
    ],
  });
  const rxIndexes = async (db: Kysely<any>, table: string): Promise<Map<string, string[]>> =>
    new Map([...(await indexesOf(db, table))].filter(([name]) => name.startsWith('pk_rx_')));

  test('the demo configuration gets (column, createdon, id) on each parent relationship and each contact or account scope column; a second sync adds nothing', async () => {
    await withDatabase(async (db, open) => {
      const report = await sync(open, modelOf(await demoConfig()));
      assert.deepEqual(report.relationshipIndexed.sort(), ['attachment.noteid', 'incident.accountid', 'incident.customerid', 'note.incidentid']);
      assert.deepEqual((await indexesOf(db, 'note')).get(relationshipIndexName('note', 'incidentid')), ['incidentid', 'createdon', 'id']);
      assert.deepEqual((await indexesOf(db, 'attachment')).get(relationshipIndexName('attachment', 'noteid')), ['noteid', 'createdon', 'id']);
      assert.deepEqual([...(await rxIndexes(db, 'incident')).values()].sort(), [
        ['accountid', 'createdon', 'id'],
        ['customerid', 'createdon', 'id'],
      ]);
      assert.deepEqual(await sync(open, modelOf(await demoConfig())), NOTHING);
    });
  });

  test('adding and removing scoped permissions adds and drops only those indexes, never data', async () => {
    await withDatabase(async (db, open) => {
      await sync(open, modelOf(commentConfig({}, { unscoped: true })));
      assert.deepEqual([...(await rxIndexes(db, 'comment')).keys()], []);
      assert.deepEqual([...(await rxIndexes(db, 'ticket')).keys()], []);
      await db.insertInto('ticket').values(systemValues('t1', { title: 'kept' })).execute();
      await db.insertInto('comment').values(systemValues('c1', { body: 'kept', ticketid: 't1' })).execute();
      await db.schema.createIndex('comment_by_body').on('comment').column('body').execute();

      // The contact and account scopes index their columns; the parent scopes their relationship, once.
      const scoped = await sync(open, modelOf(commentConfig({})));
      assert.deepEqual({ ...scoped, relationshipIndexed: scoped.relationshipIndexed.sort() }, { ...NOTHING, relationshipIndexed: ['ticket.accountid', 'ticket.customerid'] });
      assert.deepEqual(await sync(open, modelOf(commentConfig({ own: true }))), { ...NOTHING, relationshipIndexed: ['comment.ticketid'] });
      assert.deepEqual(await sync(open, modelOf(commentConfig({ own: true, account: true }))), NOTHING);
      // Still needed while any permission goes through it.
      assert.deepEqual(await sync(open, modelOf(commentConfig({ account: true }))), NOTHING);
      assert.deepEqual(await sync(open, modelOf(commentConfig({}))), { ...NOTHING, relationshipUnindexed: [relationshipIndexName('comment', 'ticketid')] });
      const unscoped = await sync(open, modelOf(commentConfig({}, { unscoped: true })));
      assert.deepEqual(
        { ...unscoped, relationshipUnindexed: unscoped.relationshipUnindexed.sort() },
        { ...NOTHING, relationshipUnindexed: [relationshipIndexName('ticket', 'accountid'), relationshipIndexName('ticket', 'customerid')].sort() },
      );
      assert.deepEqual([...(await rxIndexes(db, 'comment')).keys()], []);
      assert.deepEqual([...(await rxIndexes(db, 'ticket')).keys()], []);
      // Someone else's index and the plain lookup index stay; the rows stay.
      assert.ok((await indexesOf(db, 'comment')).has('comment_by_body'));
      assert.ok((await indexesOf(db, 'comment')).has(indexName('comment', ['ticketid'])));
      assert.deepEqual(await db.selectFrom('comment').select(['id', 'body', 'ticketid']).execute(), [{ id: 'c1', body: 'kept', ticketid: 't1' }]);
    });
  });

  test('a relationship lookup can still be dropped (with allowDestructive): its index goes first', async () => {
    await withDatabase(async (db, open) => {
      await sync(open, modelOf(commentConfig({ own: true })));
      assert.ok((await indexesOf(db, 'comment')).has(relationshipIndexName('comment', 'ticketid')));
      const report = await sync(open, modelOf(commentConfig({}, { dropLookup: true })), true);
      assert.deepEqual(report.dropped, ['comment.ticketid']);
      assert.equal((await columnsOf(db, 'comment')).has('ticketid'), false);
      assert.deepEqual([...(await rxIndexes(db, 'comment')).keys()], []);
      // The tickets' contact and account scopes still need theirs.
      assert.deepEqual([...(await rxIndexes(db, 'ticket')).keys()].sort(), [relationshipIndexName('ticket', 'accountid'), relationshipIndexName('ticket', 'customerid')].sort());
    });
  });

  test('a list reached two ways reads each way from its scope index newest first, cut at the page', async () => {
    await withDatabase(async (db, open) => {
      await sync(open, modelOf(commentConfig({})));
      // The shape the list route sends for own ∪ account tickets (see unionOfWaysStatement).
      const way = (column: string, value: string) =>
        sql`select * from (select k.id, k.createdon from ticket as k where ${sql.ref(`k.${column}`)} = ${value} and k.title is not null order by k.createdon desc, k.id desc limit 51) as w`;
      const candidates = sql`select * from (${way('accountid', 'acc')} union ${way('customerid', 'me')}) as u order by u.createdon desc, u.id desc limit 51`;
      const page = sql`select r.id, r.title from (${candidates}) as k cross join ticket as r where r.id = k.id order by k.createdon desc, k.id desc`;
      const details = await queryPlan(db, page);
      assert.match(details, new RegExp(relationshipIndexName('ticket', 'accountid')));
      assert.match(details, new RegExp(relationshipIndexName('ticket', 'customerid')));
      if (TEST_ENGINE === 'sqlite') {
        // Two sorts feed the UNION's merge and one orders the merged page, each over at most 51 rows;
        // neither way sorts its rows (without the scope indexes each would: five sorts).
        assert.equal(details.match(/USE TEMP B-TREE FOR ORDER BY/g)?.length, 3, details);
        await db.schema.dropIndex(relationshipIndexName('ticket', 'accountid')).execute();
        await db.schema.dropIndex(relationshipIndexName('ticket', 'customerid')).execute();
        assert.equal((await queryPlan(db, page)).match(/USE TEMP B-TREE FOR ORDER BY/g)?.length, 5);
      }
    });
  });

  test('a child list under one parent, newest first, reads the relationship index in order: no sort', async () => {
    await withDatabase(async (db, open) => {
      const page = sql`select id from comment where ticketid = ${'t1'} order by createdon desc, id desc limit 50`;
      await sync(open, modelOf(commentConfig({ own: true })));
      const details = await queryPlan(db, page);
      assert.match(details, new RegExp(relationshipIndexName('comment', 'ticketid')));
      assert.doesNotMatch(details, SORT_STEP);
      // Without a parent-scope permission on the lookup, the index is gone: SQLite sorts the ticket's
      // comments, PostgreSQL (sorting priced out) walks every comment newest first to find them.
      await sync(open, modelOf(commentConfig({})));
      const without = await queryPlan(db, page);
      assert.doesNotMatch(without, new RegExp(relationshipIndexName('comment', 'ticketid')));
      if (TEST_ENGINE === 'sqlite') assert.match(without, SORT_STEP);
    });
  });

  test('SQLite: a parent-scope list finds and orders its candidates from indexes alone, then fetches only the page', { skip: TEST_ENGINE === 'postgres' }, async () => {
    await withDatabase(async (db, open) => {
      await sync(open, modelOf(commentConfig({ own: true, account: true })));
      // The shape the list route sends for own ∪ account tickets' comments (see lateRowsStatement).
      const candidates = sql`select k.id, k.createdon from comment as k
        where k.ticketid in (select p0.id from ticket as p0 where p0.accountid = ${'acc'} union all select p0.id from ticket as p0 where p0.customerid = ${'me'})
        order by k.createdon desc, k.id desc limit -1`;
      const page = sql`select r.id, r.body from (${candidates}) as k cross join comment as r where r.id = k.id and r.body is not null order by k.createdon desc, k.id desc limit 51`;
      const details = await queryPlan(db, page);
      assert.match(details, new RegExp(`SEARCH k USING COVERING INDEX ${relationshipIndexName('comment', 'ticketid')}`));
      assert.match(details, new RegExp(`SEARCH p0 USING COVERING INDEX ${relationshipIndexName('ticket', 'accountid')}`));
      assert.match(details, new RegExp(`SEARCH p0 USING COVERING INDEX ${relationshipIndexName('ticket', 'customerid')}`));
      // One sort, of the candidates' keys; the page's rows are then read in that order, not sorted again.
      assert.equal(details.match(/USE TEMP B-TREE FOR ORDER BY/g)?.length, 1);
      assert.match(details, /CO-ROUTINE k/);
    });
  });
});
