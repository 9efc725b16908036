import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { DummyDriver, expressionBuilder, Kysely, PostgresAdapter, PostgresDialect, PostgresIntrospector, PostgresQueryCompiler, SqliteDialect, sql } from 'kysely';
import pg from 'pg';
import { createTestStorage, TEST_ENGINE } from '../support/test-database.js';
import type { TestStorage } from '../support/test-database.js';
import type { Expression, ExpressionBuilder, SqlBool } from 'kysely';
import type { ColumnType } from '@portalkit/core';
import type { DataColumn, DataTable } from '../../packages/server/src/data/schema/data-table.js';
import {
  applyOrderBy,
  compileFilter,
  compileSearch,
  CURSOR_MAX_LENGTH,
  decodeCursor,
  DEFAULT_ORDER,
  encodeCursor,
  FILTER_MAX_DEPTH,
  FILTER_MAX_LENGTH,
  FILTER_MAX_STRING_LENGTH,
  FILTER_MAX_TERMS,
  keysetAfter,
  normaliseDatetime,
  ORDER_BY_MAX_KEYS,
  parseFilter,
  parseOrderBy,
  parseSelect,
  parseTop,
  QueryLanguageError,
  SEARCH_MAX_LENGTH,
  SELECT_MAX_LENGTH,
} from '../../packages/server/src/data/filter/index.js';
import type { CursorValue, OrderKey, QueryContext } from '../../packages/server/src/data/filter/index.js';

// ---------------------------------------------------------------------------------------------
// Fixture: an `incident` table as the data API sees it, with two columns the visitor cannot read.

function column(name: string, type: ColumnType, extra: Partial<DataColumn> = {}): [string, DataColumn] {
  return [name, { name, type, required: false, searchable: false, sortable: false, ...extra }];
}

const incident: DataTable = {
  name: 'incident',
  builtIn: false,
  columns: new Map([
    column('title', 'string', { searchable: true, maxLength: 2000 }),
    column('description', 'text', { searchable: true }),
    column('status', 'choice', { options: ['open', 'closed'], searchable: true }),
    column('priority', 'integer'),
    column('cost', 'decimal'),
    column('urgent', 'boolean'),
    column('due', 'datetime'),
    column('customer', 'lookup', { target: 'contact' }),
    column('secret', 'string'),
    column('internal', 'string', { searchable: true }),
  ]),
};

const HIDDEN = new Set(['secret', 'internal']);
const readable = new Set(['id', 'createdon', 'modifiedon', ...[...incident.columns.keys()].filter((name) => !HIDDEN.has(name))]);
const context: QueryContext = { table: incident, readable, engine: 'sqlite' };

interface Row {
  id: string;
  createdon: number;
  modifiedon: number;
  rowversion: number;
  title: string | null;
  description: string | null;
  status: string | null;
  priority: number | null;
  cost: number | null;
  urgent: number | null;
  due: string | null;
  customer: string | null;
  secret: string | null;
  internal: string | null;
}

function row(id: string, values: Partial<Row>): Row {
  const blank = { title: null, description: null, status: null, priority: null, cost: null, urgent: null, due: null, customer: null, secret: null, internal: null };
  return { id, createdon: 1000, modifiedon: 1000, rowversion: 1, ...blank, ...values };
}

const ROWS: Row[] = [
  row('r01', { title: 'Printer jam', status: 'open', priority: 1, cost: 10.5, urgent: 1, due: '2024-05-31T14:30:00.000Z', customer: 'c1', secret: 'alpha', internal: 'zebra' }),
  row('r02', { title: 'printer offline', status: 'closed', priority: 2, cost: -1.5, urgent: 0, due: '2024-06-01T00:00:00.000Z', customer: 'c2' }),
  row('r03', { title: '100% done', status: 'open', priority: 3, cost: 0, urgent: 0, description: 'Finished everything' }),
  row('r04', { title: '100 percent', status: 'closed', priority: 3, urgent: 1 }),
  row('r05', { title: 'snake_case', status: 'open', priority: 5, cost: 99.99 }),
  row('r06', { title: 'snakeXcase', priority: 5 }),
  row('r07', { title: 'back\\slash', status: 'open' }),
  row('r08', { title: 'backslash', status: 'closed', priority: 8 }),
  row('r09', { title: "O'Brien's laptop", status: 'open', priority: 9, due: '2023-12-31T23:59:59.999Z' }),
  row('r10', { title: null, status: null, priority: null, description: 'No title at all' }),
  row('r11', { title: "' or 1=1 --", priority: 11 }),
  row('r12', { title: 'ÉCRAN cassé', status: 'open', priority: 12, createdon: 2000 }),
];
const ALL_IDS = ROWS.map((r) => r.id);

let sqlite: Database.Database;
let db: Kysely<any>;
/**
 * On the PostgreSQL pass, the same rows in a PostgreSQL table: every filter and search that runs
 * against SQLite here runs there too (compiled for PostgreSQL) and must match the same rows.
 */
let pgStorage: TestStorage | undefined;
let pgDb: Kysely<any> | undefined;

async function createIncidentTable(database: Kysely<any>): Promise<void> {
  await database.schema
    .createTable('incident')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('createdon', 'integer', (c) => c.notNull())
    .addColumn('modifiedon', 'integer', (c) => c.notNull())
    .addColumn('rowversion', 'integer', (c) => c.notNull())
    .addColumn('title', 'text')
    .addColumn('description', 'text')
    .addColumn('status', 'text')
    .addColumn('priority', 'integer')
    .addColumn('cost', 'double precision')
    .addColumn('urgent', 'integer')
    .addColumn('due', 'text')
    .addColumn('customer', 'text')
    .addColumn('secret', 'text')
    .addColumn('internal', 'text')
    .execute();
}

before(async () => {
  sqlite = new Database(':memory:');
  db = new Kysely<any>({ dialect: new SqliteDialect({ database: sqlite }) });
  await createIncidentTable(db);
  await db.insertInto('incident').values(ROWS).execute();
  if (TEST_ENGINE === 'postgres') {
    pgStorage = await createTestStorage();
    pgDb = new Kysely<any>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: pgStorage.url, max: 2 }) }) });
    await createIncidentTable(pgDb);
    await pgDb.insertInto('incident').values(ROWS).execute();
  }
});

after(async () => {
  await db.destroy();
  await pgDb?.destroy();
  await pgStorage?.remove();
});

/** The same query on the PostgreSQL copy of the table, compiled for PostgreSQL: it must find the same rows. */
async function samePostgresRows(
  what: string,
  where: (ctx: QueryContext) => (eb: ExpressionBuilder<any, any>) => Expression<SqlBool>,
  ctx: QueryContext,
  sqliteIds: readonly string[],
): Promise<void> {
  if (!pgDb) return;
  const rows = await pgDb.selectFrom('incident').select('id').where(where({ ...ctx, engine: 'postgres' })).orderBy('id').execute();
  assert.deepEqual(rows.map((r) => r.id as string), sqliteIds, `PostgreSQL matches other rows for ${what}`);
}

/** Compiles a filter on `incident` to SQL + parameters. */
function compiled(filter: string, ctx: QueryContext = context): { sql: string; parameters: readonly unknown[] } {
  const node = parseFilter(filter);
  const query = db.selectFrom('incident').select('id').where((eb) => compileFilter(node, ctx, eb)).compile();
  return { sql: query.sql.replace(/^select "id" from "incident" where /, ''), parameters: query.parameters };
}

/** Runs a filter against the real table; the ids of the matching rows, sorted. */
async function matching(filter: string, ctx: QueryContext = context): Promise<string[]> {
  const node = parseFilter(filter);
  const rows = await db.selectFrom('incident').select('id').where((eb) => compileFilter(node, ctx, eb)).orderBy('id').execute();
  const ids = rows.map((r) => r.id as string);
  await samePostgresRows(`filter ${filter}`, (c) => (eb) => compileFilter(node, c, eb), ctx, ids);
  return ids;
}

async function searching(text: string, ctx: QueryContext = context): Promise<string[]> {
  const rows = await db.selectFrom('incident').select('id').where((eb) => compileSearch(text, ctx, eb)).orderBy('id').execute();
  const ids = rows.map((r) => r.id as string);
  await samePostgresRows(`search ${text}`, (c) => (eb) => compileSearch(text, c, eb), ctx, ids);
  return ids;
}

/** Runs `fn`, which must throw a QueryLanguageError; returns it. */
function refusal(fn: () => unknown): QueryLanguageError {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof QueryLanguageError, `expected a QueryLanguageError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected the query to be refused');
}

function filterRefusal(filter: string, ctx: QueryContext = context): QueryLanguageError {
  return refusal(() => compileFilter(parseFilter(filter), ctx, builder()));
}

/** An expression builder for compiling outside a query. */
function builder(): ExpressionBuilder<any, any> {
  return expressionBuilder<any, any>();
}

async function tableIntact(): Promise<void> {
  const tables = await sql<{ name: string }>`select name from sqlite_master where type = 'table'`.execute(db);
  assert.deepEqual(tables.rows.map((t) => t.name), ['incident']);
  const count = await db.selectFrom('incident').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  assert.equal(Number(count.n), ROWS.length);
  const titles = await db.selectFrom('incident').select('title').orderBy('id').execute();
  assert.deepEqual(titles.map((t) => t.title), ROWS.map((r) => r.title));
}

const postgres = new Kysely<any>({
  dialect: {
    createAdapter: () => new PostgresAdapter(),
    createDriver: () => new DummyDriver(),
    createIntrospector: (k) => new PostgresIntrospector(k),
    createQueryCompiler: () => new PostgresQueryCompiler(),
  },
});

// ---------------------------------------------------------------------------------------------

describe('filter grammar: what it accepts, the SQL it compiles to, and what it matches', () => {
  test('a string comparison binds the literal and matches exactly', async () => {
    assert.deepEqual(compiled("title eq 'Printer jam'"), { sql: '"title" = ?', parameters: ['Printer jam'] });
    assert.deepEqual(await matching("title eq 'Printer jam'"), ['r01']);
  });

  test('every comparison operator on an integer column', async () => {
    assert.deepEqual(compiled('priority lt 3'), { sql: '"priority" < ?', parameters: [3] });
    assert.deepEqual(await matching('priority lt 3'), ['r01', 'r02']);
    assert.deepEqual(await matching('priority le 3'), ['r01', 'r02', 'r03', 'r04']);
    assert.deepEqual(await matching('priority gt 9'), ['r11', 'r12']);
    assert.deepEqual(await matching('priority ge 9'), ['r09', 'r11', 'r12']);
    assert.deepEqual(await matching('priority eq 5'), ['r05', 'r06']);
    // ne is the complement of eq: rows with no priority are "not 5".
    assert.deepEqual(compiled('priority ne 5'), { sql: '("priority" <> ? or "priority" is null)', parameters: [5] });
    assert.deepEqual(await matching('priority ne 5'), ALL_IDS.filter((id) => id !== 'r05' && id !== 'r06'));
  });

  test('negative and decimal numbers on a decimal column', async () => {
    assert.deepEqual(compiled('cost lt -1.25'), { sql: '"cost" < ?', parameters: [-1.25] });
    assert.deepEqual(await matching('cost lt -1.25'), ['r02']);
    assert.deepEqual(await matching('cost ge 0'), ['r01', 'r03', 'r05']);
    assert.deepEqual(await matching('cost eq 99.99'), ['r05']);
    assert.deepEqual(await matching('cost gt 10'), ['r01', 'r05']);
  });

  test('booleans bind as 1/0 and compare with eq/ne only', async () => {
    assert.deepEqual(compiled('urgent eq true'), { sql: '"urgent" = ?', parameters: [1] });
    assert.deepEqual(compiled('urgent eq FALSE'), { sql: '"urgent" = ?', parameters: [0] });
    assert.deepEqual(await matching('urgent eq true'), ['r01', 'r04']);
    assert.deepEqual(await matching('urgent eq false'), ['r02', 'r03']);
    assert.deepEqual(await matching('urgent ne true'), ALL_IDS.filter((id) => id !== 'r01' && id !== 'r04'));
  });

  test('null compares with eq/ne as IS NULL / IS NOT NULL', async () => {
    assert.deepEqual(compiled('title eq null'), { sql: '"title" is null', parameters: [] });
    assert.deepEqual(compiled('title ne NULL'), { sql: '"title" is not null', parameters: [] });
    assert.deepEqual(await matching('title eq null'), ['r10']);
    assert.deepEqual(await matching('due ne null'), ['r01', 'r02', 'r09']);
  });

  test("'' is the escape for a quote inside a string", async () => {
    const node = parseFilter("title eq 'O''Brien''s laptop'");
    assert.equal(node.kind === 'compare' && node.value, "O'Brien's laptop");
    assert.deepEqual(await matching("title eq 'O''Brien''s laptop'"), ['r09']);
    assert.deepEqual(await matching("title eq ''''"), []);
    assert.equal((parseFilter("title eq ''") as { value: unknown }).value, '');
  });

  test('keywords are case-insensitive; columns are not', async () => {
    const lower = parseFilter("title eq 'x' and not priority gt 2 or urgent eq true");
    const mixed = parseFilter("title EQ 'x' AND Not priority Gt 2 oR urgent eq TRUE");
    assert.deepEqual(mixed, lower);
    assert.equal(lower.kind, 'or');
    assert.deepEqual(await matching("CONTAINS(title, 'jam') OR StartsWith(title, 'snake')"), ['r01', 'r05', 'r06']);
    assert.equal(filterRefusal("Title eq 'x'").code, 'filter-syntax');
  });

  test('contains and startswith are case-insensitive LIKEs with an explicit escape', async () => {
    assert.deepEqual(compiled("contains(title, 'PRINTER')"), { sql: `"title" like ? escape '\\'`, parameters: ['%PRINTER%'] });
    assert.deepEqual(compiled("startswith(title, 'print')"), { sql: `"title" like ? escape '\\'`, parameters: ['print%'] });
    assert.deepEqual(await matching("contains(title, 'PRINTER')"), ['r01', 'r02']);
    assert.deepEqual(await matching("startswith(title, 'PRINTER o')"), ['r02']);
    assert.deepEqual(await matching("contains(description, 'everything')"), ['r03']);
    assert.deepEqual(await matching("contains(status, 'lose')"), ['r02', 'r04', 'r08']);
    // An empty needle matches every row that has a value.
    assert.deepEqual(await matching("contains(title, '')"), ALL_IDS.filter((id) => id !== 'r10'));
  });

  test('PostgreSQL folds A–Z only, as SQLite does (translate + LIKE, not ILIKE), with the same escape', () => {
    const node = parseFilter("contains(title, 'A%') and not startswith(title, 'b')");
    const query = postgres
      .selectFrom('incident')
      .select('id')
      .where((eb) => compileFilter(node, { ...context, engine: 'postgres' }, eb))
      .compile();
    assert.equal(
      query.sql,
      `select "id" from "incident" where (translate("title", $1, $2) like $3 escape '\\' and (translate("title", $4, $5) not like $6 escape '\\' or "title" is null))`,
    );
    const upper = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
    const lower = 'abcdefghijklmnopqrstuvwxyz';
    assert.deepEqual(query.parameters, [upper, lower, '%a\\%%', upper, lower, 'b%']);
    const search = postgres
      .selectFrom('incident')
      .select('id')
      .where((eb) => compileSearch('Jam', { ...context, engine: 'postgres' }, eb))
      .compile();
    assert.match(search.sql, /translate\("title", \$1, \$2\) like \$3 escape '\\' or translate\("description", \$4, \$5\) like \$6 escape '\\'/);
    assert.equal(search.parameters[2], '%jam%');
  });

  test('precedence: not binds tighter than and, and tighter than or', async () => {
    assert.deepEqual(parseFilter('priority eq 1 or priority eq 2 and urgent eq true'), {
      kind: 'or',
      operands: [
        { kind: 'compare', op: 'eq', column: 'priority', value: 1, position: 1, valuePosition: 13 },
        {
          kind: 'and',
          operands: [
            { kind: 'compare', op: 'eq', column: 'priority', value: 2, position: 18, valuePosition: 30 },
            { kind: 'compare', op: 'eq', column: 'urgent', value: true, position: 36, valuePosition: 46 },
          ],
        },
      ],
    });
    // r02 has priority 2 but is not urgent: only the parenthesised reading would keep it.
    assert.deepEqual(await matching('priority eq 1 or priority eq 2 and urgent eq true'), ['r01']);
    assert.deepEqual(await matching('(priority eq 1 or priority eq 2) and urgent eq false'), ['r02']);
    const notAnd = parseFilter('not urgent eq true and priority lt 4');
    assert.equal(notAnd.kind, 'and');
    assert.deepEqual(await matching('not urgent eq true and priority lt 4'), ['r02', 'r03']);
    assert.deepEqual(await matching('not (urgent eq true and priority lt 4)'), ALL_IDS.filter((id) => id !== 'r01' && id !== 'r04'));
    assert.deepEqual(compiled('priority eq 1 or priority eq 2 and urgent eq true').sql, '("priority" = ? or ("priority" = ? and "urgent" = ?))');
  });

  test('not is the exact complement of its operand, NULLs included', async () => {
    const leaves = [
      "title eq 'Printer jam'",
      "title ne 'Printer jam'",
      'priority lt 5',
      'priority le 5',
      'priority gt 5',
      'priority ge 5',
      'cost lt 0',
      'urgent eq true',
      'urgent ne false',
      'title eq null',
      'title ne null',
      "contains(title, 'printer')",
      "startswith(status, 'o')",
      "due gt '2024-01-01'",
      "status eq 'open' and priority gt 2",
      "status eq 'open' or priority gt 8",
      'not (priority eq 3 or cost eq null)',
    ];
    for (const leaf of leaves) {
      const yes = await matching(leaf);
      const no = await matching(`not (${leaf})`);
      assert.deepEqual([...yes, ...no].sort(), ALL_IDS, `${leaf}: a row is in exactly one of F and not F`);
      assert.deepEqual(await matching(`not not (${leaf})`), yes, `${leaf}: double negation`);
    }
    // Negations are pushed down, never emitted as SQL NOT over a nullable comparison.
    assert.deepEqual(compiled("not (title eq 'x' and priority lt 3)"), {
      sql: '(("title" <> ? or "title" is null) or ("priority" >= ? or "priority" is null))',
      parameters: ['x', 3],
    });
  });

  test('datetimes must be ISO-8601 and are normalised to the stored form', async () => {
    assert.deepEqual(compiled("due ge '2024-05-01'").parameters, ['2024-05-01T00:00:00.000Z']);
    assert.deepEqual(compiled("due eq '2024-05-31T16:30:00+02:00'").parameters, ['2024-05-31T14:30:00.000Z']);
    assert.deepEqual(await matching("due eq '2024-05-31T16:30:00+02:00'"), ['r01']);
    assert.deepEqual(await matching("due eq '2024-05-31t14:30z'"), ['r01']);
    assert.deepEqual(await matching("due lt '2024-01-01T00:00:00.000Z'"), ['r09']);
    assert.deepEqual(await matching("due ge '2024-06-01'"), ['r02']);
    assert.equal(normaliseDatetime('2024-12-31T23:59:59.999999-05:00'), '2025-01-01T04:59:59.999Z');
    assert.equal(normaliseDatetime('2024-02-29'), '2024-02-29T00:00:00.000Z');
    for (const bad of ['2023-02-29', '2024-13-01', '2024-01-01T24:00:00Z', '2024-01-01T12:00:00', '2024-01-01T12:60Z', '24-01-01', 'tomorrow', '2024-01-01T12:00:00+25:00', '']) {
      assert.equal(normaliseDatetime(bad), undefined, bad);
    }
  });

  test('system columns: id and lookups take strings, createdon/modifiedon whole numbers', async () => {
    assert.deepEqual(await matching("id eq 'r07'"), ['r07']);
    assert.deepEqual(await matching("customer eq 'c2'"), ['r02']);
    assert.deepEqual(await matching('createdon gt 1500'), ['r12']);
    assert.deepEqual(await matching('modifiedon eq 1000 and id ne null'), ALL_IDS);
    // System columns are never NULL, so ne needs no IS NULL branch.
    assert.deepEqual(compiled("id ne 'r01'"), { sql: '"id" <> ?', parameters: ['r01'] });
  });

  test('a choice compared with a value outside its options is allowed and matches nothing', async () => {
    assert.deepEqual(await matching("status eq 'archived'"), []);
    assert.deepEqual(await matching("status eq 'open'"), ['r01', 'r03', 'r05', 'r07', 'r09', 'r12']);
  });

  test('keywords are contextual: columns may be called not, contains, and, null', () => {
    assert.deepEqual(parseFilter("not eq 'x'"), { kind: 'compare', op: 'eq', column: 'not', value: 'x', position: 1, valuePosition: 8 });
    assert.deepEqual(parseFilter('contains eq 1').kind, 'compare');
    assert.deepEqual(parseFilter("and eq 'x' and or eq 'y'"), {
      kind: 'and',
      operands: [
        { kind: 'compare', op: 'eq', column: 'and', value: 'x', position: 1, valuePosition: 8 },
        { kind: 'compare', op: 'eq', column: 'or', value: 'y', position: 16, valuePosition: 22 },
      ],
    });
    assert.equal(parseFilter('null eq null').kind, 'compare');
    assert.deepEqual(parseFilter("not not eq 'x'"), { kind: 'not', operand: { kind: 'compare', op: 'eq', column: 'not', value: 'x', position: 5, valuePosition: 12 } });
  });

  test('an alias qualifies every column reference', () => {
    const aliased = compiled("title eq 'x' or contains(status, 'o')", { ...context, alias: 'r' });
    assert.equal(aliased.sql, `("r"."title" = ? or "r"."status" like ? escape '\\')`);
  });

  test('whitespace may be spaces, tabs and newlines; parentheses need no spaces', async () => {
    assert.deepEqual(await matching("(priority\teq\t1)or\n(title eq'backslash')"), ['r01', 'r08']);
  });
});

describe('filter errors: a code, the parameter, and the position', () => {
  const cases: [filter: string, code: string, position: number | undefined, message: RegExp][] = [
    ['', 'filter-syntax', 1, /empty/],
    ['   ', 'filter-syntax', 1, /empty/],
    ['title eq', 'filter-syntax', 9, /Expected a value .* at character 9, but found the end of the filter/],
    ["title 'x'", 'filter-syntax', 7, /Expected eq, ne, lt, le, gt or ge .* character 7/],
    ["(title eq 'x'", 'filter-syntax', 14, /Expected "\)" to close the parenthesis opened at character 1 at character 14/],
    ["title eq 'x')", 'filter-syntax', 13, /character 13, but found "\)"/],
    ["title eq 'abc", 'filter-syntax', 10, /string starting at character 10 is not closed/],
    ['priority eq 5x', 'filter-syntax', 13, /number at character 13/],
    ['priority eq 1.', 'filter-syntax', 13, /number at character 13/],
    ['priority eq 1e5', 'filter-syntax', 13, /number at character 13/],
    ['priority eq - 5', 'filter-syntax', 13, /the character "-" \(U\+002D\) at character 13/],
    [`priority eq ${'9'.repeat(400)}`, 'filter-syntax', 13, /too large/],
    ["title == 'x'", 'filter-syntax', 7, /the character "=" \(U\+003D\) at character 7/],
    ["title eq 'x';", 'filter-syntax', 13, /the character ";" \(U\+003B\) at character 13/],
    ["title eq 'x' garbage", 'filter-syntax', 14, /Expected "and", "or" or the end of the filter at character 14, but found "garbage"/],
    ["Title eq 'x'", 'filter-syntax', 1, /"Title" at character 1 is not a column name/],
    ["title eq 'x' and", 'filter-syntax', 17, /Expected a column name.* at character 17/],
    ["contains(title 'x')", 'filter-syntax', 16, /Expected "," after the column name in contains/],
    ['contains(title, 5)', 'filter-syntax', 17, /second argument \(at character 17\)/],
    ["contains(title, 'x'", 'filter-syntax', 20, /Expected "\)" to close contains/],
    ["title eq 'a\u0000b'", 'filter-syntax', 12, /not allowed/],
    ['priority lt null', 'filter-unsupported-operator', 13, /null can only be compared with eq or ne \(at character 13\)/],
    ['urgent lt true', 'filter-unsupported-operator', 1, /lt cannot be used on "urgent"/],
    ["contains(priority, '1')", 'filter-unsupported-operator', 10, /contains cannot be used on "priority"/],
    ["startswith(due, '2024')", 'filter-unsupported-operator', 12, /startswith cannot be used on "due"/],
    ["priority eq 'x'", 'filter-type-mismatch', 13, /"priority" holds whole numbers, so the value at character 13/],
    ['priority eq 1.5', 'filter-type-mismatch', 13, /whole numbers/],
    ['priority eq 99999999999999999999', 'filter-type-mismatch', 13, /whole numbers/],
    ['title eq 5', 'filter-type-mismatch', 10, /"title" holds text/],
    ['title eq true', 'filter-type-mismatch', 10, /"title" holds text/],
    ["cost gt '1'", 'filter-type-mismatch', 9, /"cost" holds numbers/],
    ['urgent eq 1', 'filter-type-mismatch', 11, /true or false/],
    ["due eq '2024-02-30'", 'filter-type-mismatch', 8, /dates and times/],
    ["due eq 'yesterday'", 'filter-type-mismatch', 8, /dates and times/],
    ['due eq 20240101', 'filter-type-mismatch', 8, /dates and times/],
    ["createdon gt '2024-01-01'", 'filter-type-mismatch', 14, /whole numbers/],
    ["nope eq 'x'", 'unknown-column', 1, /^"nope" at character 1 is not a column you can filter on\.$/],
    ["title eq 'x' or contains(secret, 'a')", 'unknown-column', 26, /"secret" at character 26 is not a column you can filter on/],
    ['rowversion eq 1', 'unknown-column', 1, /not a column you can filter on/],
  ];
  for (const [filter, code, position, message] of cases) {
    test(`${JSON.stringify(filter.slice(0, 40))} → ${code}`, () => {
      const error = filterRefusal(filter);
      assert.equal(error.code, code);
      assert.equal(error.parameter, 'filter');
      assert.equal(error.position, position);
      assert.match(error.message, message);
    });
  }

  test('positions count characters, not UTF-16 units', () => {
    const error = filterRefusal("title eq '😀😀' ;");
    assert.equal(error.position, 15);
    assert.match(error.message, /character 15/);
  });
});

describe('limits, exactly at and just beyond', () => {
  test(`length: ${FILTER_MAX_LENGTH} characters pass, one more is filter-too-long`, () => {
    const base = "title eq 'x'";
    const atLimit = base + ' '.repeat(FILTER_MAX_LENGTH - base.length);
    assert.equal(atLimit.length, FILTER_MAX_LENGTH);
    assert.equal(parseFilter(atLimit).kind, 'compare');
    const error = refusal(() => parseFilter(`${atLimit} `));
    assert.equal(error.code, 'filter-too-long');
    assert.equal(error.parameter, 'filter');
    assert.equal(refusal(() => parseFilter('x'.repeat(1_000_000))).code, 'filter-too-long');
  });

  test('length is counted in characters: astral characters count once', () => {
    const emoji = '😀'.repeat(FILTER_MAX_STRING_LENGTH);
    const text = `title eq '${emoji}'`;
    const padded = text + ' '.repeat(FILTER_MAX_LENGTH - Array.from(text).length);
    assert.ok(padded.length > FILTER_MAX_LENGTH);
    assert.equal(parseFilter(padded).kind, 'compare');
    assert.equal(refusal(() => parseFilter(`${padded} `)).code, 'filter-too-long');
  });

  test(`depth: ${FILTER_MAX_DEPTH} nested parentheses or nots pass, ${FILTER_MAX_DEPTH + 1} are filter-too-deep`, async () => {
    const parens = (n: number) => `${'('.repeat(n)}priority eq 1${')'.repeat(n)}`;
    const nots = (n: number) => `${'not '.repeat(n)}priority eq 1`;
    assert.deepEqual(await matching(parens(FILTER_MAX_DEPTH)), ['r01']);
    assert.deepEqual(await matching(nots(FILTER_MAX_DEPTH)), ['r01']);
    const deepParens = refusal(() => parseFilter(parens(FILTER_MAX_DEPTH + 1)));
    assert.equal(deepParens.code, 'filter-too-deep');
    assert.equal(deepParens.position, FILTER_MAX_DEPTH + 1);
    const deepNots = refusal(() => parseFilter(nots(FILTER_MAX_DEPTH + 1)));
    assert.equal(deepNots.code, 'filter-too-deep');
    assert.equal(deepNots.position, FILTER_MAX_DEPTH * 4 + 1);
    // Parentheses and nots count together.
    const mixed = `${'not ('.repeat(5)}priority eq 1${')'.repeat(5)}`;
    assert.equal(parseFilter(mixed).kind, 'not');
    assert.equal(refusal(() => parseFilter(`not ${mixed}`)).code, 'filter-too-deep');
    // Siblings do not add up: depth is nesting, not count.
    const wide = Array.from({ length: 5 }, () => parens(FILTER_MAX_DEPTH - 1)).join(' or ');
    assert.equal(parseFilter(`(${wide})`).kind, 'or');
    // A parser stack-overflow attempt is a clean error, not a crash.
    assert.equal(refusal(() => parseFilter('('.repeat(1999))).code, 'filter-too-deep');
  });

  test(`complexity: ${FILTER_MAX_TERMS} comparisons pass, ${FILTER_MAX_TERMS + 1} are filter-too-complex`, async () => {
    const terms = (n: number) => Array.from({ length: n }, (_, i) => (i % 2 === 0 ? `priority eq ${i}` : `contains(title, '${i}')`)).join(' or ');
    const atLimit = terms(FILTER_MAX_TERMS);
    // Even terms hit priorities 2, 8 and 12; odd ones, titles with a 1 or a 3 in them.
    assert.deepEqual(await matching(atLimit), ['r02', 'r03', 'r04', 'r08', 'r11', 'r12']);
    const error = refusal(() => parseFilter(terms(FILTER_MAX_TERMS + 1)));
    assert.equal(error.code, 'filter-too-complex');
    assert.equal(error.position, atLimit.length + ' or '.length + 1);
  });

  test(`string literals: ${FILTER_MAX_STRING_LENGTH} characters pass, one more is filter-string-too-long`, async () => {
    assert.deepEqual(await matching(`title eq '${'a'.repeat(FILTER_MAX_STRING_LENGTH)}'`), []);
    const error = refusal(() => parseFilter(`title eq '${'a'.repeat(FILTER_MAX_STRING_LENGTH + 1)}'`));
    assert.equal(error.code, 'filter-string-too-long');
    assert.equal(error.position, 10);
    // '' is one character of the value.
    const quotes = parseFilter(`title eq '${"''".repeat(FILTER_MAX_STRING_LENGTH)}'`);
    assert.equal(quotes.kind === 'compare' && quotes.value, "'".repeat(FILTER_MAX_STRING_LENGTH));
    assert.equal(refusal(() => parseFilter(`title eq '${"''".repeat(FILTER_MAX_STRING_LENGTH + 1)}'`)).code, 'filter-string-too-long');
  });

  test(`search: ${SEARCH_MAX_LENGTH} characters pass, one more is search-too-long`, async () => {
    assert.deepEqual(await searching('a'.repeat(SEARCH_MAX_LENGTH)), []);
    const error = refusal(() => compileSearch('a'.repeat(SEARCH_MAX_LENGTH + 1), context, builder()));
    assert.equal(error.code, 'search-too-long');
    assert.equal(error.parameter, 'search');
  });

  test(`orderBy: ${ORDER_BY_MAX_KEYS} keys pass, one more is order-by-too-many-keys`, () => {
    assert.equal(parseOrderBy('title, priority desc, cost', context).length, 4);
    const error = refusal(() => parseOrderBy('title, priority desc, cost, due', context));
    assert.equal(error.code, 'order-by-too-many-keys');
    assert.equal(error.parameter, 'orderBy');
    assert.equal(error.position, 29);
    assert.equal(refusal(() => parseOrderBy(`title${' '.repeat(300)}`, context)).code, 'order-by-too-long');
  });

  test(`select: ${SELECT_MAX_LENGTH} characters pass, one more is select-too-long`, () => {
    const atLimit = `title${' '.repeat(SELECT_MAX_LENGTH - 5)}`;
    assert.deepEqual(parseSelect(atLimit, context), ['id', 'title']);
    assert.equal(refusal(() => parseSelect(`${atLimit} `, context)).code, 'select-too-long');
  });

  test('top: default 50, 1 to 500, anything else invalid-top', () => {
    assert.equal(parseTop(undefined), 50);
    assert.equal(parseTop('1'), 1);
    assert.equal(parseTop('500'), 500);
    assert.equal(parseTop('007'), 7);
    assert.equal(parseTop(20), 20);
    for (const bad of ['0', '501', '-1', '1.5', '1e2', ' 5', '5 ', '+5', '', 'abc', '0x10', '99999999999', '5; drop table incident', 0, 501, 2.5, Number.NaN, Infinity]) {
      const error = refusal(() => parseTop(bad));
      assert.equal(error.code, 'invalid-top', String(bad));
      assert.equal(error.parameter, 'top');
      assert.equal(error.message, 'top must be a whole number from 1 to 500.');
    }
  });
});

describe('SQL injection attempts are refused or bound as plain values', () => {
  test('hostile string literals in a filter are bound parameters and match only themselves', async () => {
    const literals = [
      "' or 1=1 --",
      "x'); drop table incident; --",
      "'; delete from incident; --",
      '" or ""="',
      '\\\'; select * from sqlite_master; --',
      '*/ or 1=1 /*',
      '%',
      "Robert'); DROP TABLE students;--",
    ];
    for (const literal of literals) {
      const filter = `title eq '${literal.replaceAll("'", "''")}'`;
      const { sql: text, parameters } = compiled(filter);
      assert.equal(text, '"title" = ?');
      assert.deepEqual(parameters, [literal]);
      assert.deepEqual(await matching(filter), literal === "' or 1=1 --" ? ['r11'] : [], filter);
      assert.deepEqual(await matching(`contains(title, '${literal.replaceAll("'", "''")}')`), literal === "' or 1=1 --" ? ['r11'] : literal === '%' ? ['r03'] : [], filter);
    }
    await tableIntact();
  });

  test('hostile filters that try to leave the string are syntax errors', async () => {
    const attempts: [string, number][] = [
      ["title eq 'x'); drop table incident; --'", 14],
      ["title eq 'x' or 1=1 --", 18],
      ["title eq 'x' -- comment", 14],
      ["title eq 'x' /* comment */", 14],
      ["title eq 'x' # comment", 14],
      ["title; drop eq 'x'", 6],
      ['"title" eq \'x\'', 1],
      ['`title` eq \'x\'', 1],
      ["[title] eq 'x'", 1],
      ["t\u0456tle eq 'x'", 2], // Cyrillic і
      ["title eq 'x' \uFF4Fr 1 eq 1", 14], // fullwidth o
      ["title\u00A0eq 'x'", 6], // no-break space
      ["title eq 'x' or title eq 'y' union select secret from incident", 30],
      ['title eq x', 10],
      ['1 eq 1', 1],
      ["title eq 'x' or 'a' eq 'a'", 17],
      ["incident.title eq 'x'", 9],
      ["title eq 'x' and (select 1) eq 1", 26],
      ["title eq 'x' or priority eq 1 or title eq ?", 43],
      ["title eq 'x' or priority eq $1", 29],
    ];
    for (const [filter, position] of attempts) {
      const error = filterRefusal(filter);
      assert.ok(['filter-syntax', 'unknown-column'].includes(error.code), `${filter}: ${error.code}`);
      assert.equal(error.position, position, `${filter}: ${error.message}`);
    }
    assert.match(filterRefusal("t\u0456tle eq 'x'").message, /the character "\u0456" \(U\+0456\) at character 2/);
    assert.match(filterRefusal("title\u00A0eq 'x'").message, /\(U\+00A0\) at character 6/);
    await tableIntact();
  });

  test('select and orderBy accept column names only', async () => {
    for (const select of ['title; drop table incident', '"title"', 'title--', '*', 't\u0456tle', 'title as secret', 'count(*)', 'title,(select secret)', 'incident.title', 'TITLE']) {
      const error = refusal(() => parseSelect(select, context));
      assert.equal(error.code, 'select-syntax', select);
      assert.equal(error.parameter, 'select');
    }
    for (const orderBy of ['title; drop table incident', 'title desc; --', '(select 1)', 'title collate nocase', '"title"', 'title desc nulls first', '1', 'random()', 't\u0456tle']) {
      const error = refusal(() => parseOrderBy(orderBy, context));
      assert.equal(error.code, 'order-by-syntax', orderBy);
      assert.equal(error.parameter, 'orderBy');
    }
    await tableIntact();
  });

  test('search text is one bound phrase', async () => {
    for (const text of ["' or 1=1 --", "x'); drop table incident; --", '%\' or \'1\'=\'1', '_']) {
      const found = await searching(text);
      assert.deepEqual(found, text === "' or 1=1 --" ? ['r11'] : text === '_' ? ['r05'] : [], text);
    }
    const query = db.selectFrom('incident').select('id').where((eb) => compileSearch("' or 1=1 --", context, eb)).compile();
    assert.deepEqual(query.parameters, ["%' or 1=1 --%", "%' or 1=1 --%", "%' or 1=1 --%"]);
    assert.equal(refusal(() => compileSearch('a\u0000b', context, builder())).code, 'search-invalid');
    assert.equal(refusal(() => compileSearch('a\uD800b', context, builder())).code, 'search-invalid');
    await tableIntact();
  });

  test('a well-formed cursor carrying hostile values only binds them', async () => {
    const order = parseOrderBy('title', context);
    const fingerprint = 'incident||title';
    const cursor = encodeCursor(order, { title: "x' or 1=1; drop table incident; --", id: "' or ''='" }, fingerprint);
    const values = decodeCursor(cursor, order, fingerprint);
    const query = db.selectFrom('incident').select('id').where((eb) => keysetAfter(order, values, eb));
    assert.deepEqual(query.compile().parameters.includes("x' or 1=1; drop table incident; --"), true);
    const rows = await applyOrderBy(query, order).execute();
    // Titles greater than "x' or …" in byte order: only the non-ASCII one.
    assert.deepEqual(rows.map((r) => r.id), ['r12']);
    await tableIntact();
  });
});

describe('hidden columns look exactly like columns that do not exist', () => {
  // Same length, so even the positions of whatever follows are the same.
  const hidden = 'secret';
  const absent = 'secrex';

  function sameRefusal(make: (name: string) => () => unknown): void {
    const a = refusal(make(hidden));
    const b = refusal(make(absent));
    assert.equal(a.code, 'unknown-column');
    assert.deepEqual({ ...a, message: a.message.replace(hidden, absent) }, { ...b, message: b.message });
    assert.equal(a.message.replace(hidden, absent), b.message);
  }

  test('in filter (comparison, contains, startswith, nested)', () => {
    sameRefusal((name) => () => compileFilter(parseFilter(`${name} eq 'alpha'`), context, builder()));
    sameRefusal((name) => () => compileFilter(parseFilter(`${name} eq 5`), context, builder()));
    sameRefusal((name) => () => compileFilter(parseFilter(`${name} eq null`), context, builder()));
    sameRefusal((name) => () => compileFilter(parseFilter(`contains(${name}, 'a')`), context, builder()));
    sameRefusal((name) => () => compileFilter(parseFilter(`title eq 'x' or not (startswith(${name}, 'a'))`), context, builder()));
  });

  test('in select and orderBy', () => {
    sameRefusal((name) => () => parseSelect(`title, ${name}`, context));
    sameRefusal((name) => () => parseOrderBy(`${name} desc`, context));
    const message = refusal(() => parseSelect('title, secret', context)).message;
    assert.equal(message, '"secret" at character 8 is not a column you can select.');
    assert.equal(refusal(() => parseOrderBy('secret', context)).message, '"secret" at character 1 is not a column you can sort by.');
  });

  test('a filter type error never fires before the readability check', () => {
    // A type error would reveal the hidden column's type; unknown-column comes first.
    assert.equal(filterRefusal('secret lt true').code, 'unknown-column');
    assert.equal(filterRefusal('contains(secret, 5)').code, 'filter-syntax');
    assert.equal(filterRefusal("contains(secret, 'x')").code, 'unknown-column');
  });

  test('search skips searchable columns the visitor cannot read', async () => {
    // "zebra" appears only in the hidden searchable column of r01.
    assert.deepEqual(await searching('zebra'), []);
    assert.deepEqual(await searching('zebra', { ...context, readable: new Set([...readable, 'internal']) }), ['r01']);
  });

  test('search-unavailable reads the same whether searchable columns are hidden or absent', () => {
    const hiddenOnly: QueryContext = { ...context, readable: new Set(['id', 'createdon', 'modifiedon', 'priority']) };
    const noneSearchable: QueryContext = {
      ...context,
      table: { ...incident, columns: new Map([...incident.columns].map(([name, c]) => [name, { ...c, searchable: false }])) },
    };
    const a = refusal(() => compileSearch('x', hiddenOnly, builder()));
    const b = refusal(() => compileSearch('x', noneSearchable, builder()));
    assert.equal(a.code, 'search-unavailable');
    assert.deepEqual({ code: a.code, message: a.message, parameter: a.parameter }, { code: b.code, message: b.message, parameter: b.parameter });
  });
});

describe('LIKE wildcards are literal in contains, startswith and search', () => {
  test('% finds only rows containing %', async () => {
    assert.deepEqual(await searching('%'), ['r03']);
    assert.deepEqual(await matching("contains(title, '%')"), ['r03']);
    assert.deepEqual(await matching("startswith(title, '100%')"), ['r03']);
    assert.deepEqual(await matching("startswith(title, '100')"), ['r03', 'r04']);
  });

  test('_ finds only rows containing _', async () => {
    assert.deepEqual(await searching('_'), ['r05']);
    assert.deepEqual(await matching("contains(title, 'e_c')"), ['r05']);
    assert.deepEqual(await matching("startswith(title, 'snake_')"), ['r05']);
  });

  test('the escape character itself is literal', async () => {
    assert.deepEqual(await searching('\\'), ['r07']);
    assert.deepEqual(await matching("contains(title, 'k\\s')"), ['r07']);
    assert.deepEqual(await matching("contains(title, '\\%')"), []);
  });

  test('search is case-insensitive (ASCII on SQLite), trims, and blank is no condition', async () => {
    assert.deepEqual(await searching('  PRINTER  '), ['r01', 'r02']);
    assert.deepEqual(await searching('everything'), ['r03']);
    assert.deepEqual(await searching('CLOSED'), ['r02', 'r04', 'r08']);
    assert.deepEqual(await searching(''), ALL_IDS);
    assert.deepEqual(await searching(' \t '), ALL_IDS);
    // A blank search is no condition even where nothing could be searched.
    const nothing: QueryContext = { ...context, readable: new Set(['id']) };
    assert.deepEqual(await searching('', nothing), ALL_IDS);
  });
});

describe('select', () => {
  test('comma-separated, trimmed, deduplicated, id always first', () => {
    assert.deepEqual(parseSelect('title, status,title , id', context), ['id', 'title', 'status']);
    assert.deepEqual(parseSelect('priority', context), ['id', 'priority']);
    assert.deepEqual(parseSelect('id', context), ['id']);
    assert.deepEqual(parseSelect('createdon,modifiedon', context), ['id', 'createdon', 'modifiedon']);
  });

  test('empty items are select-syntax with their position', () => {
    for (const [text, position] of [['', 1], ['title,', 7], [',title', 1], ['title,,status', 7], ['title, ,status', 8]] as const) {
      const error = refusal(() => parseSelect(text, context));
      assert.equal(error.code, 'select-syntax', text);
      assert.equal(error.position, position, text);
    }
  });

  test('rowversion and unknown names are unknown-column', () => {
    assert.equal(refusal(() => parseSelect('rowversion', context)).code, 'unknown-column');
    assert.equal(refusal(() => parseSelect('title, nope', context)).position, 8);
  });
});

describe('orderBy', () => {
  test('absent or blank is createdon desc, id desc', () => {
    assert.deepEqual(parseOrderBy(undefined, context), DEFAULT_ORDER);
    assert.deepEqual(parseOrderBy('  ', context), DEFAULT_ORDER);
    assert.deepEqual(
      DEFAULT_ORDER.map((k) => [k.column, k.direction]),
      [
        ['createdon', 'desc'],
        ['id', 'desc'],
      ],
    );
  });

  test('keys with directions; id appended with the direction of the last key', () => {
    const keys = (text: string) => parseOrderBy(text, context).map((k) => `${k.column} ${k.direction}`);
    assert.deepEqual(keys('title desc, createdon'), ['title desc', 'createdon asc', 'id asc']);
    assert.deepEqual(keys('title DESC'), ['title desc', 'id desc']);
    assert.deepEqual(keys('urgent asc,customer desc'), ['urgent asc', 'customer desc', 'id desc']);
    assert.deepEqual(keys('id desc'), ['id desc']);
    assert.deepEqual(keys('id, title desc'), ['id asc', 'title desc']);
    assert.deepEqual(keys(' priority\tdesc ,  due '), ['priority desc', 'due asc', 'id asc']);
    assert.deepEqual(parseOrderBy('due', context)[0], { column: 'due', direction: 'asc', type: 'datetime', nullable: true });
  });

  test('refusals', () => {
    const cases: [string, string, number][] = [
      ['title,', 'order-by-syntax', 7],
      ['title asc desc', 'order-by-syntax', 1],
      ['title up', 'order-by-syntax', 1],
      ['title, title desc', 'order-by-syntax', 8],
      ['description', 'order-by-unsupported', 1],
      ['nope', 'unknown-column', 1],
      ['priority, rowversion', 'unknown-column', 11],
    ];
    for (const [text, code, position] of cases) {
      const error = refusal(() => parseOrderBy(text, context));
      assert.equal(error.code, code, text);
      assert.equal(error.position, position, text);
    }
  });

  test('applyOrderBy spells out where NULLs go (first in asc, last in desc) for nullable keys only', () => {
    const order = parseOrderBy('title desc, priority', context);
    const query = applyOrderBy(db.selectFrom('incident').select('id'), order).compile();
    assert.equal(query.sql, 'select "id" from "incident" order by "title" desc nulls last, "priority" asc nulls first, "id" asc');
    const aliased = applyOrderBy(db.selectFrom('incident as r').select('r.id'), DEFAULT_ORDER, 'r').compile();
    assert.equal(aliased.sql, 'select "r"."id" from "incident" as "r" order by "r"."createdon" desc, "r"."id" desc');
    const pg = applyOrderBy(postgres.selectFrom('incident').select('id'), order).compile();
    assert.equal(pg.sql, 'select "id" from "incident" order by "title" desc nulls last, "priority" asc nulls first, "id" asc');
  });

  test('keysetAfter expands the row comparison portably, honouring directions and NULLs', () => {
    const order = parseOrderBy('title desc, priority', context);
    const render = (values: CursorValue[]) => {
      const query = db.selectFrom('incident').select('id').where((eb) => keysetAfter(order, values, eb)).compile();
      return { sql: query.sql.replace('select "id" from "incident" where ', ''), parameters: query.parameters };
    };
    assert.deepEqual(render(['m', 3, 'r05']), {
      sql: '(("title" < ? or "title" is null) or ("title" = ? and ("priority" > ? or ("priority" = ? and "id" > ?))))',
      parameters: ['m', 'm', 3, 3, 'r05'],
    });
    // After a NULL in desc (NULLs last) only the rows tying on it remain; after a NULL in asc, every non-NULL.
    assert.deepEqual(render([null, null, 'r10']), {
      sql: '("title" is null and ("priority" is not null or ("priority" is null and "id" > ?)))',
      parameters: ['r10'],
    });
    assert.deepEqual(
      db.selectFrom('incident').select('id').where((eb) => keysetAfter(DEFAULT_ORDER, [1000, 'r05'], eb, 'r')).compile().sql,
      'select "id" from "incident" where ("r"."createdon" <= ? and ("r"."createdon" < ? or ("r"."createdon" = ? and "r"."id" < ?)))',
    );
    // The redundant leading bound (which lets an index be seeked) only where it holds for every row after.
    assert.deepEqual(render(['m', null, 'r05']).sql.startsWith('(("title" < ? or "title" is null) or'), true);
    const ascending = parseOrderBy('priority', context);
    const asc = db.selectFrom('incident').select('id').where((eb) => keysetAfter(ascending, [3, 'r04'], eb)).compile();
    assert.equal(asc.sql, 'select "id" from "incident" where ("priority" >= ? and ("priority" > ? or ("priority" = ? and "id" > ?)))');
  });
});

describe('keyset cursor', () => {
  const order = parseOrderBy('title desc, priority', context);
  const fingerprint = JSON.stringify(['incident', '', '', order]);
  const lastRow = { id: 'r05', title: 'snake_case', priority: 5, cost: 99.99 };

  /** Writes a cursor by hand in the same format, with a correct check, to test the type checks on their own. */
  function forge(values: unknown[], extra: Record<string, unknown> = {}, print = fingerprint): string {
    const h = createHash('sha256').update(print).update('\u0000').update(JSON.stringify(values)).digest('base64url').slice(0, 22);
    return Buffer.from(JSON.stringify({ v: 1, h, k: values, ...extra })).toString('base64url');
  }

  function invalidCursor(text: string, keys: readonly OrderKey[] = order, print = fingerprint): void {
    const error = refusal(() => decodeCursor(text, keys, print));
    assert.equal(error.code, 'invalid-cursor');
    assert.equal(error.parameter, 'cursor');
    assert.equal(error.message, 'The cursor is not valid for this query; start again from the first page.');
  }

  test('round trip: opaque base64url carrying the order values', () => {
    const cursor = encodeCursor(order, lastRow, fingerprint);
    assert.match(cursor, /^[A-Za-z0-9_-]+$/);
    assert.deepEqual(decodeCursor(cursor, order, fingerprint), ['snake_case', 5, 'r05']);
    assert.equal(decodeCursor(forge(['snake_case', 5, 'r05']), order, fingerprint).length, 3);
    // NULLs, booleans from a driver that decodes them, and bigints survive.
    const mixed = parseOrderBy('urgent, cost desc, due', context);
    const encoded = encodeCursor(mixed, { id: 'r1', urgent: true, cost: null, due: '2024-01-01T00:00:00.000Z' }, 'f');
    assert.deepEqual(decodeCursor(encoded, mixed, 'f'), [1, null, '2024-01-01T00:00:00.000Z', 'r1']);
    assert.deepEqual(decodeCursor(encodeCursor(DEFAULT_ORDER, { createdon: 5n, id: 'x' }, 'f'), DEFAULT_ORDER, 'f'), [5, 'x']);
  });

  test('every single flipped character is refused', () => {
    const cursor = encodeCursor(order, lastRow, fingerprint);
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    for (let i = 0; i < cursor.length; i += 1) {
      for (const replacement of [alphabet[(alphabet.indexOf(cursor[i] as string) + 1) % 64], alphabet[(alphabet.indexOf(cursor[i] as string) + 33) % 64]]) {
        invalidCursor(cursor.slice(0, i) + replacement + cursor.slice(i + 1));
      }
    }
    invalidCursor(cursor.slice(0, -1));
    invalidCursor(`${cursor}A`);
    invalidCursor(`${cursor}=`);
    invalidCursor(cursor.replace(/-/g, '+').replace(/_/g, '/') + (cursor.includes('-') || cursor.includes('_') ? '' : '!'));
  });

  test("another query's cursor is refused", () => {
    const cursor = encodeCursor(order, lastRow, fingerprint);
    invalidCursor(cursor, order, JSON.stringify(['incident', "priority eq 1", '', order]));
    invalidCursor(cursor, order, JSON.stringify(['contact', '', '', order]));
    // Another order: wrong arity, or the same arity with other columns.
    invalidCursor(cursor, parseOrderBy('title desc', context));
    invalidCursor(cursor, parseOrderBy('title asc, priority', context), JSON.stringify(['incident', '', '', parseOrderBy('title asc, priority', context)]));
  });

  test('wrong value types are refused even with a correct check', () => {
    invalidCursor(forge([5, 5, 'r05'])); // number for a string column
    invalidCursor(forge(['a', '5', 'r05'])); // string for an integer column
    invalidCursor(forge(['a', 1.5, 'r05'])); // fraction for an integer column
    invalidCursor(forge(['a', 5, null])); // NULL id
    invalidCursor(forge(['a', 5, 7])); // number id
    invalidCursor(forge(['a', 5, ['r05']]));
    invalidCursor(forge(['a', { x: 1 }, 'r05']));
    invalidCursor(forge(['a', 2 ** 60, 'r05']));
    invalidCursor(forge(['a', 5])); // too few
    invalidCursor(forge(['a', 5, 'r05', 'x'])); // too many
    invalidCursor(forge(['a', 5, 'r05'], { extra: true }));
    invalidCursor(forge(['a', 5, 'r05'], { v: 2 }));
    const booleans = parseOrderBy('urgent', context);
    invalidCursor(forge([2, 'r1'], {}, 'b'), booleans, 'b');
    invalidCursor(forge([true, 'r1'], {}, 'b'), booleans, 'b');
    assert.deepEqual(decodeCursor(forge([null, 'r1'], {}, 'b'), booleans, 'b'), [null, 'r1']);
    invalidCursor(forge([null, 'r1'], {}, 'b'), DEFAULT_ORDER, 'b'); // createdon is never NULL
    invalidCursor(forge([1.5, 'r1'], {}, 'b'), DEFAULT_ORDER, 'b');
  });

  test('malformed, empty and oversize cursors are refused', () => {
    const json = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    for (const text of ['', '!!!!', 'abc=', ' abcd', 'YWJj\n', json([1, 'h', []]), json(null), json('x'), json(42), json({}), Buffer.from('{"v":1,').toString('base64url'), Buffer.from([0xff, 0xfe, 0x7b, 0x7d]).toString('base64url')]) {
      invalidCursor(text);
    }
    invalidCursor('A'.repeat(CURSOR_MAX_LENGTH + 1));
    invalidCursor('A'.repeat(1_000_000));
    const atLimit = forge(['x'.repeat(1400), 5, 'r05']);
    assert.ok(atLimit.length <= CURSOR_MAX_LENGTH);
    assert.equal(decodeCursor(atLimit, order, fingerprint).length, 3);
  });

  test('sort values too long for a cursor are cursor-unavailable, not a broken page', () => {
    const error = refusal(() => encodeCursor(order, { ...lastRow, title: 'x'.repeat(CURSOR_MAX_LENGTH) }, fingerprint));
    assert.equal(error.code, 'cursor-unavailable');
    assert.throws(() => encodeCursor(order, { id: 'r1', priority: 1 }, fingerprint), /"title" is missing/);
  });
});

// ---------------------------------------------------------------------------------------------
// Paging through a random table with random orders and page sizes returns every row exactly once,
// in the order of the one unpaged query.

describe('keyset paging (property)', () => {
  const pagedTable: DataTable = {
    name: 'paged',
    builtIn: false,
    columns: new Map([column('name', 'string'), column('count', 'integer'), column('price', 'decimal'), column('flag', 'boolean'), column('due', 'datetime')]),
  };
  const pagedContext: QueryContext = {
    table: pagedTable,
    readable: new Set(['id', 'createdon', 'modifiedon', 'name', 'count', 'price', 'flag', 'due']),
    engine: 'sqlite',
  };
  const SORTABLE = ['name', 'count', 'price', 'flag', 'due', 'createdon', 'id'] as const;
  const FILTERS = [undefined, 'count ge 0', "not (name eq 'b')", 'flag eq true or price eq null'];

  let pagedDb: Kysely<any>;
  before(async () => {
    pagedDb = new Kysely<any>({ dialect: new SqliteDialect({ database: new Database(':memory:') }) });
    await pagedDb.schema
      .createTable('paged')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('createdon', 'integer', (c) => c.notNull())
      .addColumn('name', 'text')
      .addColumn('count', 'integer')
      .addColumn('price', 'double precision')
      .addColumn('flag', 'integer')
      .addColumn('due', 'text')
      .execute();
  });
  after(async () => {
    await pagedDb.destroy();
  });

  const nullable = <T>(arbitrary: fc.Arbitrary<T>) => fc.option(arbitrary, { nil: null, freq: 3 });
  const rowArbitrary = fc.record({
    name: nullable(fc.constantFrom('', 'a', 'b', 'B', 'ab', 'b ', 'z')),
    count: nullable(fc.integer({ min: -2, max: 2 })),
    price: nullable(fc.constantFrom(-1.5, 0, 0.1, 2.25, 1e10)),
    flag: nullable(fc.constantFrom(0, 1)),
    due: nullable(fc.constantFrom('2023-12-31T23:59:59.999Z', '2024-01-01T00:00:00.000Z', '2024-06-01T12:00:00.000Z')),
    createdon: fc.integer({ min: 0, max: 3 }),
  });

  /** The documented order, independently: NULL is the smallest value; text compares by code unit (ASCII here). */
  function compareRows(order: readonly OrderKey[]) {
    return (a: Record<string, unknown>, b: Record<string, unknown>): number => {
      for (const key of order) {
        const x = a[key.column] as string | number | null;
        const y = b[key.column] as string | number | null;
        const sign = key.direction === 'asc' ? 1 : -1;
        if (x === y) continue;
        if (x === null) return -sign;
        if (y === null) return sign;
        return (x < y ? -1 : 1) * sign;
      }
      return 0;
    };
  }

  test('every row exactly once, in the unpaged order', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(fc.stringMatching(/^[a-z0-9]{1,4}$/), { maxLength: 40 }),
        fc.array(rowArbitrary, { minLength: 40, maxLength: 40 }),
        fc.uniqueArray(fc.constantFrom(...SORTABLE), { minLength: 0, maxLength: ORDER_BY_MAX_KEYS }),
        fc.array(fc.constantFrom('asc', 'desc', ''), { minLength: ORDER_BY_MAX_KEYS, maxLength: ORDER_BY_MAX_KEYS }),
        fc.integer({ min: 1, max: 7 }),
        fc.constantFrom(...FILTERS),
        async (ids, values, columns, directions, pageSize, filterText) => {
          const rows = ids.map((id, index) => ({ id, ...(values[index] as (typeof values)[number]) }));
          await pagedDb.deleteFrom('paged').execute();
          if (rows.length > 0) await pagedDb.insertInto('paged').values(rows).execute();

          const orderBy = columns.map((name, index) => `${name} ${directions[index] ?? ''}`.trim()).join(', ');
          const order = parseOrderBy(orderBy, pagedContext);
          const filter = filterText === undefined ? undefined : parseFilter(filterText);
          const fingerprint = JSON.stringify(['paged', filterText ?? '', '', order]);
          const where = (eb: ExpressionBuilder<any, any>): Expression<SqlBool> => (filter ? compileFilter(filter, pagedContext, eb) : eb.and([]));

          const unpaged = await applyOrderBy(pagedDb.selectFrom('paged').selectAll().where(where), order).execute();
          const expected = unpaged.map((r) => r.id as string);
          assert.deepEqual(expected, [...unpaged].sort(compareRows(order)).map((r) => r.id), `ORDER BY ${orderBy} matches the documented NULL order`);

          const seen: string[] = [];
          let cursor: string | undefined;
          for (let page = 0; page <= rows.length + 1; page += 1) {
            const after = cursor === undefined ? undefined : decodeCursor(cursor, order, fingerprint);
            let query = pagedDb.selectFrom('paged').selectAll().where(where);
            if (after) query = query.where((eb) => keysetAfter(order, after, eb));
            const fetched = await applyOrderBy(query, order)
              .limit(pageSize + 1)
              .execute();
            const pageRows = fetched.slice(0, pageSize);
            seen.push(...pageRows.map((r) => r.id as string));
            const last = pageRows.at(-1);
            if (fetched.length <= pageSize || !last) {
              cursor = undefined;
              break;
            }
            cursor = encodeCursor(order, last, fingerprint);
          }
          assert.equal(cursor, undefined, 'paging ends');
          assert.deepEqual(seen, expected, `orderBy=${orderBy} top=${pageSize} filter=${filterText}`);
        },
      ),
      { numRuns: 500 },
    );
  });
});
