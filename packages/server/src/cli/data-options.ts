import { resolve } from 'node:path';
import type { PortalModel } from '@portalkit/core';
import { readConfigFile } from '../config/read-config-file.js';
import { openDatabase } from '../storage/open-database.js';
import type { OpenDatabase } from '../storage/open-database.js';
import { UsageError } from './io.js';
import type { CliIo } from './io.js';
import { reportIssues } from './report-issues.js';

/** Options every data command shares with `serve` (DESIGN.md §7). */
export const DATA_OPTIONS = {
  config: { type: 'string' },
  data: { type: 'string' },
  db: { type: 'string' },
} as const;

export const DATA_USAGE = '--config FILE [--data DIR (default ./.portalkit)]';

export interface DataOptionValues {
  config?: string | undefined;
  data?: string | undefined;
  db?: string | undefined;
}

/** The data directory: `--data`, else `PORTALKIT_DATA`, else `./.portalkit`. */
export function dataDirectory(values: DataOptionValues): string {
  return resolve(values.data ?? process.env['PORTALKIT_DATA'] ?? '.portalkit');
}

/** Loads the configuration named by `--config`; undefined (after reporting) when it is invalid. */
export async function loadModel(values: DataOptionValues, io: CliIo): Promise<PortalModel | undefined> {
  if (!values.config) throw new UsageError('--config FILE is required.');
  if (values.db ?? process.env['PORTALKIT_DB']) {
    throw new UsageError('--db (PostgreSQL) is not supported yet; this release stores data in SQLite under --data.');
  }
  const result = await readConfigFile(values.config);
  if (!result.ok) {
    reportIssues(io.stderr, values.config, result.errors);
    return undefined;
  }
  return result.model;
}

/** Runs `work` with the configuration and an open, migrated database; closes it afterwards. */
export async function withData(
  values: DataOptionValues,
  io: CliIo,
  work: (model: PortalModel, database: OpenDatabase) => Promise<0 | 1>,
): Promise<0 | 1> {
  const model = await loadModel(values, io);
  if (!model) return 1;
  const database = await openDatabase({ dataDir: dataDirectory(values) });
  try {
    return await work(model, database);
  } finally {
    await database.close();
  }
}
