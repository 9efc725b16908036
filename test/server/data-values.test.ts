import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Kysely } from 'kysely';
import type { PortalConfig } from '@portalkit/core';
import { loadConfigOrThrow } from '@portalkit/core/config';
import { dataTables, syncDataTables } from '../../packages/server/src/data/schema/index.js';
import type { DataTable } from '../../packages/server/src/data/schema/index.js';
import {
  decodeBody,
  encodeRow,
  epochMillisecondsToIso,
  MAX_BODY_PROBLEMS,
  normaliseDateTime,
  toDbValue,
} from '../../packages/server/src/data/values/index.js';
import { openDatabase } from '../../packages/server/src/storage/open-database.js';
import { createTestStorage } from '../support/test-database.js';

const CONFIG: PortalConfig = {
  site: { name: 'Values test', origins: ['http://127.0.0.1:8787'] },
  webRoles: [
    { name: 'Anonymous Users', anonymous: true },
    { name: 'Authenticated Users', authenticated: true },
  ],
  tables: {
    sample: {
      columns: {
        title: { type: 'string', required: true, maxLength: 5 },
        body: { type: 'text', maxLength: 10 },
        free: { type: 'string' },
        count: { type: 'integer' },
        amount: { type: 'decimal' },
        done: { type: 'boolean' },
        due: { type: 'datetime' },
        status: { type: 'choice', options: ['open', 'in progress'] },
        ownerid: { type: 'lookup', table: 'contact' },
        rank: { type: 'integer', required: true },
      },
    },
  },
};

const model = loadConfigOrThrow(structuredClone(CONFIG)).model;
const tables = dataTables(model);
const sample = tables.get('sample')!;
const contact = tables.get('contact')!;

function column(name: string) {
  const found = sample.columns.get(name);
  assert.ok(found, name);
  return found;
}

/** The stored value, or the problem message. */
function check(name: string, value: unknown): unknown {
  const result = toDbValue(column(name), value);
  return result.ok ? result.value : { problem: result.message };
}

function refused(name: string, value: unknown): string {
  const result = toDbValue(column(name), value);
  assert.equal(result.ok, false, `${name} accepted ${String(value)}`);
  return result.ok ? '' : result.message;
}

const VALID: Record<string, unknown> = { title: 'Hello', rank: 1 };

describe('toDbValue: each column type', () => {
  test('string and text: strings only, at most maxLength code points, no NUL, no broken surrogates', () => {
    assert.equal(check('title', 'Hello'), 'Hello');
    assert.equal(check('title', ''), '');
    assert.equal(check('body', 'ten chars!'), 'ten chars!');
    // Five emoji are five characters, though ten UTF-16 code units.
    assert.equal(check('title', '🎉🎉🎉🎉🎉'), '🎉🎉🎉🎉🎉');
    assert.equal(refused('title', '🎉🎉🎉🎉🎉🎉'), 'must be at most 5 characters long');
    assert.equal(refused('title', 'Hello!'), 'must be at most 5 characters long');
    assert.equal(refused('body', 'eleven char'), 'must be at most 10 characters long');
    assert.equal(refused('title', 'a\u0000b'), 'must not contain NUL characters');
    assert.match(refused('title', 'a\uD800b'), /unpaired surrogate/);
    assert.match(refused('title', '\uDFFF'), /unpaired surrogate/);
    for (const bad of [5, true, ['a'], { a: 1 }, undefined]) assert.equal(refused('title', bad), 'must be a string');
    // No maxLength: only the request body limit bounds it.
    assert.equal(check('free', 'x'.repeat(100_000)), 'x'.repeat(100_000));
  });

  test('integer: safe integers only', () => {
    assert.equal(check('count', 0), 0);
    assert.equal(check('count', -42), -42);
    assert.equal(check('count', Number.MAX_SAFE_INTEGER), Number.MAX_SAFE_INTEGER);
    assert.equal(check('count', Number.MIN_SAFE_INTEGER), Number.MIN_SAFE_INTEGER);
    assert.ok(Object.is(check('count', -0), 0), '-0 is stored as 0');
    assert.equal(check('count', 1e3), 1000);
    assert.equal(refused('count', 2 ** 53), 'must be an integer between -9007199254740991 and 9007199254740991');
    assert.equal(refused('count', -(2 ** 53)), 'must be an integer between -9007199254740991 and 9007199254740991');
    assert.equal(refused('count', 1e300), 'must be an integer between -9007199254740991 and 9007199254740991');
    for (const bad of [1.5, Number.NaN, Number.POSITIVE_INFINITY, '1', true, [1], { value: 1 }, 10n]) {
      assert.equal(refused('count', bad), 'must be an integer', String(bad));
    }
  });

  test('decimal: finite numbers only', () => {
    assert.equal(check('amount', 1.25), 1.25);
    assert.equal(check('amount', -3), -3);
    assert.equal(check('amount', Number.MAX_VALUE), Number.MAX_VALUE);
    assert.ok(Object.is(check('amount', -0), 0));
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, '1.5', false, [1.5], {}]) {
      assert.equal(refused('amount', bad), 'must be a finite number', String(bad));
    }
  });

  test('boolean: true and false, stored as 1 and 0', () => {
    assert.equal(check('done', true), 1);
    assert.equal(check('done', false), 0);
    for (const bad of [1, 0, 'true', 'false', [true], {}]) assert.equal(refused('done', bad), 'must be true or false', String(bad));
  });

  test('datetime: ISO 8601 with a zone (or a date alone), stored as UTC with milliseconds', () => {
    const cases: [string, string][] = [
      ['2024-05-01T09:30:00Z', '2024-05-01T09:30:00.000Z'],
      ['2024-05-01T09:30:00.123Z', '2024-05-01T09:30:00.123Z'],
      ['2024-05-01T09:30:00.123456789Z', '2024-05-01T09:30:00.123Z'],
      ['2024-05-01T09:30:00.5Z', '2024-05-01T09:30:00.500Z'],
      ['2024-05-01T11:30:00+02:00', '2024-05-01T09:30:00.000Z'],
      ['2024-05-01T01:00:00-05:30', '2024-05-01T06:30:00.000Z'],
      ['2024-05-01T23:30:00-01:00', '2024-05-02T00:30:00.000Z'],
      ['2024-05-01t09:30z', '2024-05-01T09:30:00.000Z'],
      ['2024-05-01 09:30:00+0200', '2024-05-01T07:30:00.000Z'],
      ['2024-05-01', '2024-05-01T00:00:00.000Z'],
      ['2024-02-29T12:00:00Z', '2024-02-29T12:00:00.000Z'],
      ['0001-01-01T00:00:00Z', '0001-01-01T00:00:00.000Z'],
      ['0099-06-01T00:00:00Z', '0099-06-01T00:00:00.000Z'],
      ['9999-12-31T23:59:59.999Z', '9999-12-31T23:59:59.999Z'],
    ];
    for (const [input, stored] of cases) assert.equal(check('due', input), stored, input);
    const message = refused('due', 'yesterday');
    assert.equal(message, 'must be an ISO 8601 date, or date and time with a time zone (e.g. "2024-05-01T09:30:00Z")');
    for (const bad of [
      '2024-05-01T09:30:00', // no zone: it would depend on the server's time zone
      '2024-05-01T09:30',
      '2023-02-29',
      '2024-02-30T00:00:00Z',
      '2024-13-01T00:00:00Z',
      '2024-00-10T00:00:00Z',
      '2024-05-01T24:00:00Z',
      '2024-05-01T12:60:00Z',
      '2024-05-01T12:00:60Z',
      '2024-05-01T12:00:00+24:00',
      '2024-05-01T12:00:00+05:60',
      '+012024-05-01T00:00:00Z',
      '0000-01-01T00:00:00+01:00', // year -1 in UTC
      '9999-12-31T23:59:59-01:00', // year 10000 in UTC
      '01/05/2024',
      'Wed, 01 May 2024 09:30:00 GMT',
      ' 2024-05-01T09:30:00Z',
      '2024-05-01T09:30:00Z\n',
      '2024-05-01T09:30:00.1234567891Z',
      '',
    ]) {
      assert.equal(refused('due', bad), message, bad);
    }
    for (const bad of [1714555800000, new Date(0), true, ['2024-05-01']]) assert.equal(refused('due', bad), message);
    // Stored values sort as text in time order.
    const stored = ['2024-05-01T09:30:00+02:00', '2024-05-01T08:00:00Z', '1999-12-31T23:59:59.999Z'].map((text) => normaliseDateTime(text)!);
    assert.deepEqual([...stored].sort(), [stored[2], stored[0], stored[1]]);
  });

  test('choice: exactly one of the options', () => {
    assert.equal(check('status', 'open'), 'open');
    assert.equal(check('status', 'in progress'), 'in progress');
    for (const bad of ['Open', 'closed', ' open', '', 1, ['open'], { open: true }]) {
      assert.equal(refused('status', bad), 'must be one of "open", "in progress"', String(bad));
    }
  });

  test('lookup: a row id of 1 to 100 letters, digits, "_" or "-"', () => {
    assert.equal(check('ownerid', '0f8fad5b-d9cb-469f-a165-70867728950e'), '0f8fad5b-d9cb-469f-a165-70867728950e');
    assert.equal(check('ownerid', 'seed_contact-1'), 'seed_contact-1');
    assert.equal(check('ownerid', 'a'.repeat(100)), 'a'.repeat(100));
    for (const bad of ['', 'a'.repeat(101), "x' or 1=1 --", 'a b', 'a/b', 'ä', 5, ['id'], { id: 'x' }]) {
      assert.equal(refused('ownerid', bad), 'must be a row id: 1 to 100 letters, digits, "_" or "-"', String(bad));
    }
  });

  test('null clears a column unless it is required', () => {
    for (const name of ['body', 'count', 'amount', 'done', 'due', 'status', 'ownerid']) assert.equal(check(name, null), null, name);
    assert.equal(refused('title', null), 'is required and cannot be null');
    assert.equal(refused('rank', null), 'is required and cannot be null');
  });
});

describe('decodeBody', () => {
  test('a valid create body becomes the values to store', () => {
    const { values, problems } = decodeBody(
      sample,
      {
        title: 'Hi',
        body: null,
        count: 3,
        amount: 2.5,
        done: false,
        due: '2024-05-01T11:30:00+02:00',
        status: 'open',
        ownerid: 'c-1',
        rank: 7,
      },
      'create',
    );
    assert.deepEqual(problems, []);
    assert.deepEqual(values, {
      title: 'Hi',
      body: null,
      count: 3,
      amount: 2.5,
      done: 0,
      due: '2024-05-01T09:30:00.000Z',
      status: 'open',
      ownerid: 'c-1',
      rank: 7,
    });
  });

  test('the body must be a plain JSON object', () => {
    for (const body of [null, undefined, [], [VALID], 'title=x', 5, true, new Date(), new Map([['title', 'x']])]) {
      for (const mode of ['create', 'update'] as const) {
        assert.deepEqual(decodeBody(sample, body, mode), { values: {}, problems: [{ path: '', message: 'must be a JSON object' }] }, `${mode} ${String(body)}`);
      }
    }
    assert.deepEqual(decodeBody(sample, Object.assign(Object.create(null) as object, VALID), 'create').problems, []);
  });

  test('unknown keys are refused by name, including inherited-looking ones', () => {
    const { values, problems } = decodeBody(sample, { ...VALID, nope: 1, constructor: 'x', toString: 'y', hasOwnProperty: 1, username_key: 'k' }, 'create');
    assert.deepEqual(problems, [
      { path: '/nope', message: 'is not a column of sample' },
      { path: '/constructor', message: 'is not a column of sample' },
      { path: '/toString', message: 'is not a column of sample' },
      { path: '/hasOwnProperty', message: 'is not a column of sample' },
      { path: '/username_key', message: 'is not a column of sample' },
    ]);
    assert.deepEqual(values, { title: 'Hello', rank: 1 });
    // A contact's internal columns are not columns of the data API either.
    assert.deepEqual(decodeBody(contact, { username_key: 'x', email_key: 'y', firstname: 'Ann' }, 'update').problems, [
      { path: '/username_key', message: 'is not a column of contact' },
      { path: '/email_key', message: 'is not a column of contact' },
    ]);
  });

  test('system columns and underscore keys are set by the server', () => {
    const body = { ...VALID, id: 'mine', createdon: '2024-01-01T00:00:00Z', modifiedon: 0, rowversion: 9, _etag: '"1"', _actions: ['delete'], _x: 1 };
    for (const mode of ['create', 'update'] as const) {
      const { values, problems } = decodeBody(sample, body, mode);
      assert.deepEqual(
        problems,
        ['id', 'createdon', 'modifiedon', 'rowversion', '_etag', '_actions', '_x'].map((key) => ({ path: `/${key}`, message: 'is set by the server' })),
      );
      assert.deepEqual(Object.keys(values), ['title', 'rank']);
    }
  });

  test('__proto__ from JSON.parse is refused and pollutes nothing', () => {
    const body: unknown = JSON.parse('{"title":"Hi","rank":1,"__proto__":{"title":"evil","isAdmin":true},"ownerid":"c1"}');
    const { values, problems } = decodeBody(sample, body, 'create');
    assert.deepEqual(problems, [{ path: '/__proto__', message: 'is set by the server' }]);
    assert.deepEqual(values, { title: 'Hi', rank: 1, ownerid: 'c1' });
    assert.equal(Object.getPrototypeOf(values), Object.prototype);
    assert.equal((values as Record<string, unknown>)['isAdmin'], undefined);
    assert.equal(({} as Record<string, unknown>)['isAdmin'], undefined);
    assert.deepEqual(Object.keys(values), ['title', 'rank', 'ownerid']);
  });

  test('every type problem is reported with its JSON pointer, and good keys still decode', () => {
    const { values, problems } = decodeBody(
      sample,
      { title: 'too long', count: 2 ** 53, amount: 'NaN', done: 'yes', due: '2024-05-01T09:30:00', status: ['open'], ownerid: {}, rank: 1, body: 'fine' },
      'create',
    );
    assert.deepEqual(problems, [
      { path: '/title', message: 'must be at most 5 characters long' },
      { path: '/count', message: 'must be an integer between -9007199254740991 and 9007199254740991' },
      { path: '/amount', message: 'must be a finite number' },
      { path: '/done', message: 'must be true or false' },
      { path: '/due', message: 'must be an ISO 8601 date, or date and time with a time zone (e.g. "2024-05-01T09:30:00Z")' },
      { path: '/status', message: 'must be one of "open", "in progress"' },
      { path: '/ownerid', message: 'must be a row id: 1 to 100 letters, digits, "_" or "-"' },
    ]);
    assert.deepEqual(values, { rank: 1, body: 'fine' });
  });

  test('create: every required column present and not null', () => {
    assert.deepEqual(decodeBody(sample, {}, 'create').problems, [
      { path: '/title', message: 'is required' },
      { path: '/rank', message: 'is required' },
    ]);
    assert.deepEqual(decodeBody(sample, { title: null, rank: 2 }, 'create').problems, [{ path: '/title', message: 'is required and cannot be null' }]);
    assert.deepEqual(decodeBody(sample, { title: 'x' }, 'create', { serverSet: new Set(['rank']) }).problems, []);
    assert.deepEqual(decodeBody(sample, VALID, 'create').problems, []);
  });

  test('update: at least one column; required columns may be left out but not cleared', () => {
    assert.deepEqual(decodeBody(sample, {}, 'update'), { values: {}, problems: [{ path: '', message: 'must set at least one column' }] });
    assert.deepEqual(decodeBody(sample, { body: 'new' }, 'update'), { values: { body: 'new' }, problems: [] });
    assert.deepEqual(decodeBody(sample, { count: null }, 'update'), { values: { count: null }, problems: [] });
    assert.deepEqual(decodeBody(sample, { title: null }, 'update').problems, [{ path: '/title', message: 'is required and cannot be null' }]);
    assert.deepEqual(decodeBody(sample, { _etag: '"1"' }, 'update').problems, [{ path: '/_etag', message: 'is set by the server' }]);
  });

  test('paths escape "/" and "~", cut very long keys, and problems stop at a limit', () => {
    assert.deepEqual(decodeBody(sample, { 'a/b~c': 1 }, 'update').problems, [{ path: '/a~1b~0c', message: 'is not a column of sample' }]);
    const long = 'k'.repeat(10_000);
    const [problem] = decodeBody(sample, { [long]: 1 }, 'update').problems;
    assert.equal(problem?.path, `/${'k'.repeat(100)}…`);
    const many = Object.fromEntries(Array.from({ length: 5000 }, (_, index) => [`extra${index}`, index]));
    const { problems } = decodeBody(sample, many, 'create');
    assert.equal(problems.length, MAX_BODY_PROBLEMS);
    assert.deepEqual(problems[0], { path: '/extra0', message: 'is not a column of sample' });
  });
});

describe('encodeRow', () => {
  test('a SQLite row as JSON: numbers, booleans, ISO times, and only listed declared or system columns', () => {
    const row = {
      id: 'r1',
      createdon: Date.UTC(2024, 4, 1, 9, 30),
      modifiedon: Date.UTC(2024, 4, 2, 10, 0, 0, 5),
      rowversion: 3,
      title: 'Hi',
      body: null,
      count: 5,
      amount: 2.5,
      done: 1,
      due: '2024-05-01T09:30:00.000Z',
      status: 'open',
      ownerid: 'c1',
      rank: 0,
      username_key: 'leak',
      _can_write: 1,
      secret: 'leak',
    };
    const json = encodeRow(sample, row, ['id', 'createdon', 'modifiedon', 'title', 'body', 'count', 'amount', 'done', 'due', 'status', 'ownerid', 'rank', 'username_key', 'secret', '_can_write']);
    assert.deepEqual(json, {
      id: 'r1',
      createdon: '2024-05-01T09:30:00.000Z',
      modifiedon: '2024-05-02T10:00:00.005Z',
      title: 'Hi',
      body: null,
      count: 5,
      amount: 2.5,
      done: true,
      due: '2024-05-01T09:30:00.000Z',
      status: 'open',
      ownerid: 'c1',
      rank: 0,
    });
    assert.deepEqual(encodeRow(sample, { ...row, done: 0 }, ['done', 'rowversion']), { done: false, rowversion: 3 });
  });

  test('never copies a column that is not listed, nor one the row lacks', () => {
    const row = { id: 'r1', title: 'Hi', count: 1, amount: 9.5 };
    assert.deepEqual(encodeRow(sample, row, ['id', 'title']), { id: 'r1', title: 'Hi' });
    assert.deepEqual(encodeRow(sample, row, ['id', 'due']), { id: 'r1' });
    assert.deepEqual(encodeRow(sample, row, []), {});
    const inherited = Object.create({ title: 'from prototype' }) as Record<string, unknown>;
    assert.deepEqual(encodeRow(sample, inherited, ['title', '__proto__', 'constructor']), {});
  });

  test("a contact's internal columns cannot leak, even when asked for", () => {
    const row = { id: 'c1', email: 'a@example.com', email_key: 'a@example.com', username_key: 'ann', firstname: 'Ann' };
    assert.deepEqual(encodeRow(contact, row, ['id', 'email', 'email_key', 'username_key', 'firstname']), {
      id: 'c1',
      email: 'a@example.com',
      firstname: 'Ann',
    });
  });

  test('PostgreSQL shapes: bigint as string or BigInt still become numbers and ISO times', () => {
    const row = { id: 'r1', createdon: '1714555800000', modifiedon: 1714555800001n, rowversion: '2', count: '9007199254740991', amount: 1.5, done: 0, rank: 4n };
    assert.deepEqual(encodeRow(sample, row, ['id', 'createdon', 'modifiedon', 'rowversion', 'count', 'amount', 'done', 'rank']), {
      id: 'r1',
      createdon: '2024-05-01T09:30:00.000Z',
      modifiedon: '2024-05-01T09:30:00.001Z',
      rowversion: 2,
      count: 9007199254740991,
      amount: 1.5,
      done: false,
      rank: 4,
    });
    assert.equal(epochMillisecondsToIso(null), null);
    assert.equal(epochMillisecondsToIso('not a number'), null);
  });
});

describe('the codec over a real table (SQLite or PostgreSQL)', () => {
  test('decode → insert → select → encode gives back the normalised body', async () => {
    const storage = await createTestStorage();
    const database = await openDatabase(storage.location);
    try {
      await syncDataTables(database.db, database.engine, model);
      const db = database.db as Kysely<any>;
      await db.insertInto('contact').values({ id: 'c1', createdon: 1, modifiedon: 1 }).execute();
      const body = {
        title: '🎉🎉🎉🎉🎉',
        body: 'multi\nline',
        count: Number.MAX_SAFE_INTEGER,
        amount: -0.1,
        done: true,
        due: '2024-05-01T11:30:00.25+02:00',
        status: 'in progress',
        ownerid: 'c1',
        rank: Number.MIN_SAFE_INTEGER,
        free: null,
      };
      const { values, problems } = decodeBody(sample, body, 'create');
      assert.deepEqual(problems, []);
      const createdon = Date.UTC(2024, 0, 2, 3, 4, 5, 6);
      await db.insertInto('sample').values({ ...values, id: 's1', createdon, modifiedon: createdon }).execute();
      const row = await db.selectFrom('sample').selectAll().where('id', '=', 's1').executeTakeFirstOrThrow();
      const columns = ['id', 'createdon', 'modifiedon', 'rowversion', ...sample.columns.keys()];
      assert.deepEqual(encodeRow(sample as DataTable, row, columns), {
        id: 's1',
        createdon: '2024-01-02T03:04:05.006Z',
        modifiedon: '2024-01-02T03:04:05.006Z',
        rowversion: 1,
        ...body,
        due: '2024-05-01T09:30:00.250Z',
      });
      const { values: update } = decodeBody(sample, { done: false, amount: 3 }, 'update');
      await db.updateTable('sample').set(update).where('id', '=', 's1').execute();
      const updated = await db.selectFrom('sample').selectAll().where('id', '=', 's1').executeTakeFirstOrThrow();
      assert.deepEqual(encodeRow(sample, updated, ['done', 'amount']), { done: false, amount: 3 });
    } finally {
      await database.close();
      await storage.remove();
    }
  });
});
