import { resolve } from 'node:path';
import type { PortalModel } from '@portalkit/core';
import { readConfigFile } from '../config/read-config-file.js';
import { openDatabase } from '../storage/open-database.js';
import type { DatabaseLocation, OpenDatabase } from '../storage/open-database.js';
import { UsageError } from './io.js';
import type { CliIo } from './io.js';
import { reportIssues } from './report-issues.js';

/** Options every data command shares with `serve` (DESIGN.md §7). */
export const DATA_OPTIONS = {
  config: { type: 'string' },
  data: { type: 'string' },
  db: { type: 'string' },
} as const;

export const DATA_USAGE = '--config FILE [--data DIR (default ./.portalkit) | --db postgres://…]';

export interface DataOptionValues {
  config?: string | undefined;
  data?: string | undefined;
  db?: string | undefined;
}

/** The data directory: `--data`, else `PORTALKIT_DATA`, else `./.portalkit`. */
export function dataDirectory(values: DataOptionValues): string {
  return resolve(values.data ?? process.env['PORTALKIT_DATA'] ?? '.portalkit');
}

/**
 * Where the data lives: `--db URL`, else `PORTALKIT_DB`, a PostgreSQL database several instances can
 * share; otherwise the SQLite file under the data directory. Only PostgreSQL URLs are accepted, so a
 * typo cannot silently fall back to a fresh SQLite file.
 */
export function databaseLocation(values: DataOptionValues): DatabaseLocation {
  const url = values.db ?? (process.env['PORTALKIT_DB'] || undefined);
  if (url === undefined) return { dataDir: dataDirectory(values) };
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UsageError('--db (or PORTALKIT_DB) must be a URL like postgres://user@host:5432/database.');
  }
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') {
    throw new UsageError(`--db (or PORTALKIT_DB) must be a postgres:// URL, not ${parsed.protocol}//….`);
  }
  return { url };
}

/** Loads the configuration named by `--config`; undefined (after reporting) when it is invalid. */
export async function loadModel(values: DataOptionValues, io: CliIo): Promise<PortalModel | undefined> {
  if (!values.config) throw new UsageError('--config FILE is required.');
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
  const location = databaseLocation(values);
  const model = await loadModel(values, io);
  if (!model) return 1;
  const database = await openDatabase(location);
  try {
    return await work(model, database);
  } finally {
    await database.close();
  }
}
