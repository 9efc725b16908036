/**
 * A separate process that syncs the data tables of a database (a data directory, or a postgres:// URL)
 * with a configuration file and prints the report as JSON:
 * `node --import tsx sync-data-tables-child.ts DATA_DIR|URL CONFIG_FILE START_AT`.
 * It opens the database first and then waits until START_AT (epoch ms), so two of them sync together.
 */
import { readFile } from 'node:fs/promises';
import { loadConfigOrThrow } from '@portalkit/core/config';
import { openDatabase } from '../../packages/server/src/storage/open-database.js';
import { syncDataTables } from '../../packages/server/src/data/schema/sync.js';

const [where, configFile, startAt] = process.argv.slice(2);
if (!where || !configFile || !startAt) throw new Error('usage: sync-data-tables-child.ts DATA_DIR|URL CONFIG_FILE START_AT');
const { model } = loadConfigOrThrow(JSON.parse(await readFile(configFile, 'utf8')));
const database = await openDatabase(where.startsWith('postgres://') ? { url: where } : { dataDir: where });
try {
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, Number(startAt) - Date.now())));
  const report = await syncDataTables(database.db, database.engine, model);
  process.stdout.write(`${JSON.stringify(report)}\n`);
} finally {
  await database.close();
}
