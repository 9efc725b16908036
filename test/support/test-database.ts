import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { Engine } from '../../packages/server/src/storage/engine.js';
import type { DatabaseLocation } from '../../packages/server/src/storage/open-database.js';

/**
 * Which engine the server tests run on: SQLite by default; PostgreSQL when `PORTALKIT_TEST_DB=postgres`
 * and `PORTALKIT_TEST_PG_URL` names a server whose user may create databases (scripts/run-node-tests.mjs
 * starts a throwaway cluster and sets both for its second pass).
 */
export const TEST_ENGINE: Engine = process.env['PORTALKIT_TEST_DB'] === 'postgres' ? 'postgres' : 'sqlite';

/** Where one test's data lives, in the forms the server, the CLI and direct database access need. */
export interface TestStorage {
  readonly engine: Engine;
  /** A fresh temporary directory (the SQLite file's; on PostgreSQL it only holds what tests put there). */
  readonly dataDir: string;
  /** The PostgreSQL URL of this test's own database; undefined on SQLite. */
  readonly url: string | undefined;
  /** For `openDatabase`. */
  readonly location: DatabaseLocation;
  /** For `startPortalServer`. */
  readonly serverOptions: { readonly dataDir: string } | { readonly databaseUrl: string };
  /** The CLI's arguments naming it: `--data DIR`, plus `--db URL` on PostgreSQL. */
  readonly cliArgs: readonly string[];
  /** Drops the database and removes the directory. */
  remove(): Promise<void>;
}

function adminUrl(): string {
  const url = process.env['PORTALKIT_TEST_PG_URL'];
  if (!url) throw new Error('PORTALKIT_TEST_DB=postgres needs PORTALKIT_TEST_PG_URL (run the tests through scripts/run-node-tests.mjs).');
  return url;
}

/** Runs one statement on the maintenance database; a short-lived client, so nothing stays open between tests. */
async function onAdmin(statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl() });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

/**
 * A fresh, empty place for one test server: a temporary directory, and on PostgreSQL a database of
 * its own (about 60 ms to create), so tests stay isolated and may run in parallel.
 */
export async function createTestStorage(): Promise<TestStorage> {
  const dataDir = await mkdtemp(join(tmpdir(), 'portalkit-test-'));
  if (TEST_ENGINE === 'sqlite') {
    return {
      engine: 'sqlite',
      dataDir,
      url: undefined,
      location: { dataDir },
      serverOptions: { dataDir },
      cliArgs: ['--data', dataDir],
      remove: () => rm(dataDir, { recursive: true, force: true }),
    };
  }
  // A generated name of [a-z0-9_] only, so writing it into CREATE DATABASE (which takes no bound
  // parameters) cannot inject anything.
  const name = `pk_test_${randomBytes(8).toString('hex')}`;
  await onAdmin(`create database ${name}`);
  const url = new URL(adminUrl());
  url.pathname = `/${name}`;
  return {
    engine: 'postgres',
    dataDir,
    url: url.href,
    location: { url: url.href },
    serverOptions: { databaseUrl: url.href },
    cliArgs: ['--data', dataDir, '--db', url.href],
    async remove() {
      // WITH (FORCE): a child process killed mid-test may leave connections the server has not reaped yet.
      await onAdmin(`drop database if exists ${name} with (force)`);
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
