/**
 * Scale-out benchmark (issue 7), on a throwaway PostgreSQL 15 cluster (fsync on) started here:
 *
 *  1. The scoped-list benchmark's lists (bench/data-list.ts's data set and visitors) on SQLite and on
 *     PostgreSQL, one server process each, the same rows in both: sequential requests, p50/p95, and the
 *     PostgreSQL / SQLite ratio.
 *  2. Throughput of `GET /permissions` (a signed-in visitor's permission set) and of a scoped list
 *     (`GET /api/tables/incident`, account ∪ contact scope) with 1 and with 3 server instances on that
 *     PostgreSQL database: autocannon, 10 connections per instance, the sum of 2xx per second.
 *
 *   npm run build && node --import tsx bench/scale-out.ts
 *   BENCH_PG_INCIDENTS=100000 (default; the data set generates and copies in about a minute)
 *   BENCH_SECONDS=5 per throughput run
 *
 * On a 2-core machine three instances share two cores with PostgreSQL and autocannon: the ratio shows
 * that nothing serialises across instances (no per-instance state, no lock convoy), not a speed-up
 * the hardware cannot give.
 */
import autocannon from 'autocannon';
import type { Result } from 'autocannon';
import { mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { startPostgresCluster } from '../scripts/postgres-cluster.mjs';
import { DATA_BENCH_PASSWORD, DATA_BENCH_VISITORS } from './support/data-bench-plan.js';
import { copyToPostgres } from './support/copy-to-postgres.js';
import { generateDataSet } from './support/generate-data-set.js';
import { spawnListening } from './support/processes.js';
import type { Listening } from './support/processes.js';

const INCIDENTS = Number(process.env['BENCH_PG_INCIDENTS'] ?? 100_000);
const SECONDS = Number(process.env['BENCH_SECONDS'] ?? 5);
const WARM_UP = 20;
const TIMED = 200;
const serverScript = fileURLToPath(new URL('./support/data-bench-server.ts', import.meta.url));

type VisitorName = keyof typeof DATA_BENCH_VISITORS;
interface ListCase {
  readonly name: string;
  readonly visitor: VisitorName;
  readonly path: string;
}
const list = (table: string, orderBy: string, filter: string): string =>
  `/api/tables/${table}?${new URLSearchParams({ top: '50', orderBy, filter })}`;
const LISTS: ListCase[] = [
  { name: 'global (floor), incidents newest', visitor: 'agent', path: list('incident', 'createdon desc', "status ne 'closed'") },
  { name: 'contact, incidents newest', visitor: 'contactA', path: list('incident', 'createdon desc', "status ne 'closed'") },
  { name: 'account ∪ contact, incidents newest', visitor: 'manager', path: list('incident', 'createdon desc', "status ne 'closed'") },
  { name: 'account ∪ contact, incidents by title', visitor: 'manager', path: list('incident', 'title', "status ne 'closed'") },
  { name: 'parent, notes newest', visitor: 'contactA', path: list('note', 'createdon desc', "not startswith(text, 'System')") },
  { name: 'parent², attachments newest', visitor: 'contactA', path: list('attachment', 'createdon desc', "not startswith(filename, 'log')") },
];

async function signIn(url: string, email: string): Promise<string> {
  const response = await fetch(`${url}/auth/local/sign-in`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: url, 'x-portalkit-request': '1' },
    body: JSON.stringify({ login: email, password: DATA_BENCH_PASSWORD }),
  });
  if (response.status !== 200) throw new Error(`sign-in of ${email} failed: ${response.status} ${await response.text()}`);
  return response.headers.getSetCookie().map((cookie) => cookie.split(';')[0]).join('; ');
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

/** Sequential requests (latency, not throughput); returns p50, p95 and the body of the last one. */
async function latency(url: string, cookie: string): Promise<{ p50: number; p95: number; body: string }> {
  let body = '';
  const once = async (): Promise<number> => {
    const started = performance.now();
    const response = await fetch(url, { headers: { cookie } });
    body = await response.text();
    if (response.status !== 200) throw new Error(`GET ${url} → ${response.status} ${body.slice(0, 300)}`);
    return performance.now() - started;
  };
  for (let i = 0; i < WARM_UP; i++) await once();
  const samples: number[] = [];
  for (let i = 0; i < TIMED; i++) samples.push(await once());
  samples.sort((a, b) => a - b);
  return { p50: percentile(samples, 50), p95: percentile(samples, 95), body };
}

async function listLatencies(server: Listening): Promise<Map<string, { p50: number; p95: number; body: string }>> {
  const cookies = new Map<VisitorName, string>();
  for (const name of Object.keys(DATA_BENCH_VISITORS) as VisitorName[]) cookies.set(name, await signIn(server.url, DATA_BENCH_VISITORS[name].email));
  const results = new Map<string, { p50: number; p95: number; body: string }>();
  for (const c of LISTS) results.set(c.name, await latency(`${server.url}${c.path}`, cookies.get(c.visitor)!));
  return results;
}

function cannon(url: string, cookie: string, seconds: number): Promise<Result> {
  return new Promise((resolve, reject) =>
    autocannon({ url, duration: seconds, connections: 10, headers: { cookie } }, (error, result) => (error ? reject(error) : resolve(result))),
  );
}

/** Every instance loaded at once; the sum of their 2xx per second, and any non-2xx. */
async function throughput(urls: readonly string[], path: string, cookie: string, seconds = SECONDS): Promise<{ perSecond: number; failures: number; p99: number }> {
  const results = await Promise.all(urls.map((url) => cannon(`${url}${path}`, cookie, seconds)));
  return {
    perSecond: results.reduce((sum, result) => sum + result['2xx'], 0) / seconds,
    failures: results.reduce((sum, result) => sum + result.non2xx + result.errors + result.timeouts, 0),
    p99: Math.max(...results.map((result) => result.latency.p99)),
  };
}

const ms = (value: number): string => (value < 10 ? value.toFixed(2) : value.toFixed(1));
const started = performance.now();
const dir = await mkdtemp(join(tmpdir(), 'portalkit-scale-out-'));
const cluster = await startPostgresCluster({ durable: true });
const servers: Listening[] = [];
try {
  // The database: created empty, migrated and synced by a first server start.
  const admin = new pg.Client({ connectionString: cluster.url });
  await admin.connect();
  await admin.query('create database portalkit_bench');
  await admin.end();
  const url = new URL(cluster.url);
  url.pathname = '/portalkit_bench';
  const pgUrl = url.href;

  // The data set, generated in SQLite as bench/data-list.ts does, then copied.
  const size = { accounts: Math.max(1, Math.round(INCIDENTS / 1000)), contactsPerAccount: 10, incidentsPerContact: 100 };
  const seeding = await spawnListening(['--import', 'tsx', serverScript, dir, '--seed'], { timeoutMs: 60_000 });
  await seeding.stop();
  const data = generateDataSet(join(dir, 'portalkit.db'), size);
  const schema = await spawnListening(['--import', 'tsx', serverScript, pgUrl], { timeoutMs: 60_000 });
  await schema.stop();
  const copied = await copyToPostgres(join(dir, 'portalkit.db'), pgUrl);
  console.log(
    `Data set: ${data.incidents.toLocaleString('en')} incidents, ${data.notes.toLocaleString('en')} notes, ${data.attachments.toLocaleString('en')} attachments ` +
      `(generated in SQLite in ${data.seconds.toFixed(1)} s; ${copied.rows.toLocaleString('en')} rows copied to PostgreSQL in ${copied.seconds.toFixed(1)} s).`,
  );

  // 1. Scoped lists, SQLite then PostgreSQL.
  const sqliteServer = await spawnListening(['--import', 'tsx', serverScript, dir], { timeoutMs: 120_000 });
  const onSqlite = await listLatencies(sqliteServer);
  await sqliteServer.stop();
  const pgServer = await spawnListening(['--import', 'tsx', serverScript, pgUrl], { timeoutMs: 120_000 });
  servers.push(pgServer);
  const onPostgres = await listLatencies(pgServer);
  console.log(`\n1. Scoped lists, top=50, ${WARM_UP} warm-up + ${TIMED} timed sequential requests each, one server process per engine\n`);
  const header = ['list (visitor)', 'SQLite p50', 'p95', 'PostgreSQL p50', 'p95', 'PG/SQLite p50', 'p95', 'same rows'];
  const rows = LISTS.map((c) => {
    const s = onSqlite.get(c.name)!;
    const p = onPostgres.get(c.name)!;
    const ids = (body: string): string => JSON.stringify((JSON.parse(body) as { rows: { id: string }[] }).rows.map((row) => row.id));
    return [`${c.name} (${c.visitor})`, `${ms(s.p50)} ms`, `${ms(s.p95)} ms`, `${ms(p.p50)} ms`, `${ms(p.p95)} ms`, `${(p.p50 / s.p50).toFixed(2)}×`, `${(p.p95 / s.p95).toFixed(2)}×`, ids(s.body) === ids(p.body) ? 'yes' : 'NO'];
  });
  const widths = header.map((h, column) => Math.max(h.length, ...rows.map((row) => row[column]!.length)));
  for (const row of [header, ...rows]) console.log(row.map((cell, column) => cell.padEnd(widths[column]!)).join('  '));

  // 2. Throughput with 1 and 3 instances on the PostgreSQL database.
  for (let i = 0; i < 2; i++) servers.push(await spawnListening(['--import', 'tsx', serverScript, pgUrl], { timeoutMs: 120_000 }));
  const cookie = await signIn(servers[0]!.url, DATA_BENCH_VISITORS.manager.email);
  const scenarios = [
    ['GET /permissions (signed in)', '/permissions'],
    ['GET /api/tables/incident (account ∪ contact, newest)', LISTS[2]!.path],
  ] as const;
  console.log(`\n2. Throughput on PostgreSQL, ${SECONDS} s per run, autocannon with 10 connections per instance (in this process), ${availableParallelism()} cores\n`);
  for (const [name, path] of scenarios) {
    // Unmeasured: every instance's JIT and caches warm, so the freshly started ones are not at a disadvantage.
    await throughput(servers.map((server) => server.url), path, cookie, 3);
    const one = await throughput([servers[0]!.url], path, cookie);
    const three = await throughput(servers.map((server) => server.url), path, cookie);
    console.log(
      `${name}: 1 instance ${Math.round(one.perSecond).toLocaleString('en')}/s (p99 ${one.p99} ms), ` +
        `3 instances ${Math.round(three.perSecond).toLocaleString('en')}/s (p99 ${three.p99} ms) → ${(three.perSecond / one.perSecond).toFixed(2)}×` +
        (one.failures + three.failures > 0 ? `; ${one.failures + three.failures} non-2xx or errors` : '; no errors'),
    );
  }
  console.log(`\nWhole run: ${((performance.now() - started) / 1000).toFixed(0)} s.`);
} finally {
  for (const server of servers) await server.stop();
  cluster.stop();
  await rm(dir, { recursive: true, force: true });
}
