#!/usr/bin/env node
// Runs every Node test (test/**/*.test.ts outside test/browser) with Node's own runner and tsx.
// Node 20's --test takes no globs, so the files are listed here. Extra arguments pass through
// (e.g. `npm run test:node -- --test-name-pattern=lockout`).
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

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
const result = spawnSync(
  process.execPath,
  ['--enable-source-maps', '--import', 'tsx', '--test', '--test-reporter=spec', ...process.argv.slice(2), ...files],
  { cwd: root, stdio: 'inherit' },
);
process.exit(result.status ?? 1);
