#!/usr/bin/env node
// Runs every Node test (test/**/*.test.ts outside test/browser) with Node's own runner and tsx, then
// the server suite (test/server) a second time against PostgreSQL: a throwaway cluster is started
// for it (scripts/postgres-cluster.mjs) and every test server gets a database of its own.
// Node 20's --test takes no globs, so the files are listed here. Extra arguments pass through
// (e.g. `npm run test:node -- --test-name-pattern=lockout`).
// PORTALKIT_TEST_ENGINES=sqlite (or =postgres) runs one pass only. Without PostgreSQL binaries the
// PostgreSQL pass fails under CI=true and is skipped, loudly, otherwise.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findPostgresBin, startPostgresCluster } from './postgres-cluster.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const browserDir = join(root, 'test', 'browser');

function* testFiles(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (path !== browserDir && entry.name !== 'node_modules') yield* testFiles(path);
    } else if (entry.name.endsWith('.test.ts')) {
      yield relative(root, path);
    }
  }
}

const files = [...testFiles(join(root, 'test'))].sort();
if (files.length === 0) {
  console.error('No Node tests found under test/.');
  process.exit(1);
}
const serverFiles = files.filter((file) => file.startsWith(`test${sep}server${sep}`));
const engines = (process.env.PORTALKIT_TEST_ENGINES ?? 'sqlite,postgres').split(',').map((engine) => engine.trim());

function runTests(list, env) {
  const started = Date.now();
  // A developer's own PORTALKIT_DB would point the CLI commands the tests spawn at their database.
  const { PORTALKIT_DB: _ignored, ...inherited } = process.env;
  const result = spawnSync(
    process.execPath,
    ['--enable-source-maps', '--import', 'tsx', '--test', '--test-reporter=spec', ...process.argv.slice(2), ...list],
    { cwd: root, stdio: 'inherit', env: { ...inherited, ...env } },
  );
  return { status: result.status ?? 1, seconds: ((Date.now() - started) / 1000).toFixed(1) };
}

let failed = false;
if (engines.includes('sqlite')) {
  const { status, seconds } = runTests(files, { PORTALKIT_TEST_DB: 'sqlite' });
  console.log(`\nnode tests on SQLite: ${status === 0 ? 'passed' : 'FAILED'} in ${seconds} s`);
  failed ||= status !== 0;
}
if (engines.includes('postgres')) {
  const external = process.env.PORTALKIT_TEST_PG_URL;
  if (!external && !findPostgresBin()) {
    const message = 'PostgreSQL binaries (initdb, pg_ctl) not found: the server suite did NOT run on PostgreSQL. apt-get install postgresql, set PG_BIN, or set PORTALKIT_TEST_PG_URL.';
    if (process.env.CI === 'true') {
      console.error(`\n${message}`);
      process.exit(1);
    }
    console.warn(`\nSKIPPED: ${message}`);
  } else {
    const cluster = external ? undefined : await startPostgresCluster();
    const stop = () => cluster?.stop();
    process.once('SIGINT', () => (stop(), process.exit(130)));
    process.once('SIGTERM', () => (stop(), process.exit(143)));
    try {
      const { status, seconds } = runTests(serverFiles, { PORTALKIT_TEST_DB: 'postgres', PORTALKIT_TEST_PG_URL: external ?? cluster.url });
      console.log(`\nserver tests on PostgreSQL: ${status === 0 ? 'passed' : 'FAILED'} in ${seconds} s`);
      failed ||= status !== 0;
    } finally {
      stop();
    }
  }
}
process.exit(failed ? 1 : 0);
