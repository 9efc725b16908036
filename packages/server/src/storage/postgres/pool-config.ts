import pg from 'pg';
import type { CustomTypesConfig, PoolConfig } from 'pg';

/** Connections per instance: enough for a busy instance, few enough that several fit a default server (100). */
export const DEFAULT_POOL_MAX = 10;
/** No request should wait on one statement longer than this; a stuck query fails instead of piling up. */
export const DEFAULT_STATEMENT_TIMEOUT_MS = 10_000;
/** A transaction left open by a crashed request releases its locks after this. */
const IDLE_IN_TRANSACTION_TIMEOUT_MS = 60_000;
/** How long a request waits for a free pooled connection before failing. */
const CONNECT_TIMEOUT_MS = 10_000;

const INT8_OID = 20;
const NUMERIC_OID = 1700;

/**
 * Times, counts and integer columns are `bigint` (int8); `pg` returns those, and `numeric`, as strings
 * to stay exact beyond 2^53. better-sqlite3 returns JavaScript numbers, and every value the server
 * stores is a safe integer (milliseconds, counters, API integers are range-checked), so numbers here
 * keep outputs identical across engines. Set per pool, not on pg's global registry, so an embedder's
 * own `pg` use is left alone.
 */
const types: CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
    if ((oid === INT8_OID || oid === NUMERIC_OID) && format !== 'binary') return (value: string) => Number(value);
    return pg.types.getTypeParser(oid, format);
  }) as CustomTypesConfig['getTypeParser'],
};

/**
 * The pool for `url`. The URL's own libpq parameters (e.g. `?statement_timeout=5000`,
 * `?options=-c search_path=portal`) take precedence over these defaults, as in `pg`; `?max=N` sets the
 * pool size.
 */
export function poolConfig(url: string): PoolConfig {
  const max = Number(new URL(url).searchParams.get('max') ?? DEFAULT_POOL_MAX);
  if (!Number.isInteger(max) || max < 1 || max > 1000) throw new Error('The database URL parameter max must be a whole number from 1 to 1000.');
  return {
    connectionString: url,
    max,
    types,
    application_name: 'portalkit',
    statement_timeout: DEFAULT_STATEMENT_TIMEOUT_MS,
    idle_in_transaction_session_timeout: IDLE_IN_TRANSACTION_TIMEOUT_MS,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
  };
}
