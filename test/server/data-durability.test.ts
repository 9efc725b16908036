import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import SQLite from 'better-sqlite3';
import type { Kysely } from 'kysely';
import { applyDataConfig } from '../support/data-fixture.js';
import { TestClient } from '../support/http-client.js';
import { DEMO_CONFIG_FILE } from '../support/portal-server.js';
import { runPortalkit } from '../support/run-cli.js';
import { integrityCheck } from '../support/db-introspection.js';
import { createTestStorage } from '../support/test-database.js';
import type { TestStorage } from '../support/test-database.js';
import { openDatabase } from '../../packages/server/src/storage/open-database.js';

const bin = fileURLToPath(new URL('../../packages/server/bin/portalkit.js', import.meta.url));
const EMAIL = 'durable@example.test';
const PASSWORD = 'Durability-Test-2026!';
/** Creates acknowledged before the kill. */
const ACKNOWLEDGED_BEFORE_KILL = 200;
/** Requests in flight at any moment. */
const IN_FLIGHT = 8;

interface Served {
  readonly child: ChildProcess;
  readonly url: string;
  output(): string;
}

/** `portalkit serve` as a child process; resolves once it prints its URL. */
async function serve(configFile: string, storage: TestStorage): Promise<Served> {
  const child = spawn(process.execPath, [bin, 'serve', '--config', configFile, ...storage.cliArgs, '--port', '0', '--quiet'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const deadline = Date.now() + 10_000;
  while (!/PortalKit listening on (\S+)/.test(output)) {
    if (Date.now() > deadline || child.exitCode !== null || child.signalCode !== null) throw new Error(`serve did not start:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return { child, url: /PortalKit listening on (\S+)/.exec(output)![1]!, output: () => output };
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/**
 * Durability of acknowledged writes: a real `portalkit serve` process takes concurrent creates and is
 * killed with SIGKILL in the middle of them. After a restart on the same data directory the database
 * passes `PRAGMA integrity_check` and holds every row whose create was answered 201.
 */
describe('data API durability: acknowledged creates survive SIGKILL', () => {
  let dir: string;
  let storage: TestStorage;
  let configFile: string;
  const children: ChildProcess[] = [];

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'portalkit-durability-'));
    storage = await createTestStorage();
    configFile = join(dir, 'portal.config.json');
    const config = JSON.parse(await readFile(DEMO_CONFIG_FILE, 'utf8'));
    delete config.$schema;
    applyDataConfig(config);
    await writeFile(configFile, JSON.stringify(config, null, 2));
    const added = await runPortalkit(['contacts', 'add', '--config', configFile, ...storage.cliArgs, '--email', EMAIL], { stdin: `${PASSWORD}\n` });
    assert.equal(added.code, 0, added.stderr);
  });

  after(async () => {
    for (const child of children) {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGKILL');
        await exited(child);
      }
    }
    await rm(dir, { recursive: true, force: true });
    await storage.remove();
  });

  test('every create answered 201 before a SIGKILL is in the database after a restart, and the file is sound', async (t) => {
    const first = await serve(configFile, storage);
    children.push(first.child);
    const client = new TestClient(first.url);
    const signIn = await client.post('/auth/local/sign-in', { login: EMAIL, password: PASSWORD });
    assert.equal(signIn.status, 200, signIn.text);

    const acknowledged: string[] = [];
    const refused: string[] = [];
    let attempted = 0;
    let killed = false;
    const worker = async (lane: number): Promise<void> => {
      while (!killed) {
        attempted++;
        let response;
        try {
          response = await client.post('/api/tables/ticket', { title: `durable ${lane}-${attempted}`, body: 'x'.repeat(500), status: 'open' });
        } catch {
          // The process died with this request in flight: it was never acknowledged.
          return;
        }
        if (response.status === 201 && typeof response.body?.id === 'string') acknowledged.push(response.body.id);
        else refused.push(`${response.status} ${response.text.slice(0, 200)}`);
        if (acknowledged.length >= ACKNOWLEDGED_BEFORE_KILL && !killed) {
          killed = true;
          first.child.kill('SIGKILL');
        }
      }
    };
    await Promise.all(Array.from({ length: IN_FLIGHT }, (_, lane) => worker(lane)));
    await exited(first.child);
    assert.equal(first.child.signalCode, 'SIGKILL');
    assert.deepEqual(refused, [], 'every create before the kill succeeded');
    assert.ok(acknowledged.length >= ACKNOWLEDGED_BEFORE_KILL, `${acknowledged.length} acknowledged`);
    assert.equal(new Set(acknowledged).size, acknowledged.length, 'ids are unique');

    // Restart on the same data directory: the server opens the file (recovering the WAL) and serves the rows.
    const second = await serve(configFile, storage);
    children.push(second.child);
    const again = new TestClient(second.url);
    for (const [name, value] of client.cookies) again.cookies.set(name, value);
    const listed = new Set<string>();
    let cursor: string | undefined;
    do {
      const page = await again.get(`/api/tables/ticket?top=500${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      assert.equal(page.status, 200, page.text);
      for (const row of page.body.rows) listed.add(row.id);
      cursor = page.body.nextCursor;
    } while (cursor);
    const missingFromApi = acknowledged.filter((id) => !listed.has(id));
    assert.deepEqual(missingFromApi, [], 'every acknowledged ticket is listed after the restart');
    second.child.kill('SIGTERM');
    await exited(second.child);

    const { stored, audited } = storage.engine === 'sqlite' ? readSqliteFile(storage.dataDir) : await readDatabase(storage);
    const missing = acknowledged.filter((id) => !stored.has(id));
    assert.deepEqual(missing, [], 'every acknowledged ticket is stored');
    // Creates in flight at the kill may or may not have landed; nothing else appeared.
    t.diagnostic(`${acknowledged.length} creates acknowledged, ${attempted} attempted, ${stored.size} stored after the kill`);
    assert.ok(stored.size >= acknowledged.length && stored.size <= attempted, `${stored.size} stored, ${acknowledged.length} acknowledged, ${attempted} attempted`);
    assert.ok(audited >= acknowledged.length, `${audited} data-change audit records for ${acknowledged.length} acknowledged creates`);
  });
});

/** The SQLite file read directly, read-only, after the server stopped: sound, and what it holds. */
function readSqliteFile(dataDir: string): { stored: Set<string>; audited: number } {
  const file = new SQLite(join(dataDir, 'portalkit.db'), { readonly: true, fileMustExist: true });
  try {
    assert.deepEqual(file.pragma('integrity_check'), [{ integrity_check: 'ok' }]);
    assert.deepEqual(file.pragma('foreign_key_check'), []);
    const stored = new Set((file.prepare('SELECT id FROM ticket').all() as { id: string }[]).map((row) => row.id));
    const audited = (file.prepare("SELECT COUNT(*) AS n FROM pk_audit WHERE action = 'data-change'").get() as { n: number }).n;
    return { stored, audited };
  } finally {
    file.close();
  }
}

/** The PostgreSQL database read through a connection of the test's own. */
async function readDatabase(storage: TestStorage): Promise<{ stored: Set<string>; audited: number }> {
  const database = await openDatabase(storage.location);
  try {
    const db = database.db as Kysely<any>;
    assert.equal(await integrityCheck(db), 'ok');
    const stored = new Set((await db.selectFrom('ticket').select('id').execute()).map((row) => row.id as string));
    const audited = await db.selectFrom('pk_audit').where('action', '=', 'data-change').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    return { stored, audited: Number(audited.n) };
  } finally {
    await database.close();
  }
}
