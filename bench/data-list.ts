/**
 * Data-list benchmark (issue 4): `GET /api/tables/:table` on a table of 1,000,000 incidents, for each
 * kind of row scope, against the same query with global scope (the floor).
 *
 *   npm run bench:data            (BENCH_INCIDENTS=100000 for a quick trial; BENCH_KEEP_DATA=1 keeps the files)
 *
 * Data: the companion server (its own process, demo configuration) creates the data tables and seeds the
 * benchmark visitors; stopped, its SQLite file is bulk-filled (bench/support/generate-data-set.ts):
 * ~10,000 contacts in ~1,000 accounts owning 100 incidents each, ~1 note per incident and ~1 attachment
 * per note. Then the server starts again on that file and answers sequential requests (latency, not
 * throughput) over loopback from signed-in visitors: contact A (contact scope, and the one- and two-level
 * parent scopes of notes and attachments), a Partner Manager in A's account (account ∪ contact scope on
 * incidents, and the notes on them) and a Support Agent (global scope: the floor). Every list is 50 rows,
 * filtered and sorted newest first or by a name-like column, and page 2 through `nextCursor`. Before
 * timing, each scoped list is walked to its end and compared with a count made directly in SQLite, so the
 * numbers are for correct answers. Goal: p95 < 20 ms and ≤ 2× the floor's p95 for the same list.
 * A list slower than its time budget is measured fewer times (marked `*`) so a run stays near 4 minutes.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import SQLite from 'better-sqlite3';
import { DATA_BENCH_PASSWORD, DATA_BENCH_VISITORS, dataBenchSize } from './support/data-bench-plan.js';
import { generateDataSet } from './support/generate-data-set.js';
import type { GeneratedDataSet } from './support/generate-data-set.js';
import { spawnListening } from './support/processes.js';
import type { Listening } from './support/processes.js';

const WARM_UP = 20;
const TIMED = 200;
/** Slow cases stop early (and say so) so the whole run stays within a few minutes. */
const WARM_UP_BUDGET_MS = 2_000;
const TIMED_BUDGET_MS = 10_000;
const GOAL_P95_MS = 20;
const GOAL_RATIO = 2;

const serverScript = fileURLToPath(new URL('./support/data-bench-server.ts', import.meta.url));
type VisitorName = keyof typeof DATA_BENCH_VISITORS;
type Variant = 'newest' | 'by name' | 'page 2';

/** One list query as the benchmark sends it. */
interface ListQuery {
  readonly table: string;
  readonly orderBy: string;
  readonly filter: string;
}

interface Case {
  readonly scope: string;
  readonly visitor: VisitorName;
  readonly variant: Variant;
  readonly query: ListQuery;
  /** The floor this case is compared with (unset for the floor itself). */
  readonly floor?: string;
  /** Rows the whole list must have (all pages), counted in SQLite; unset where walking it all is too long. */
  readonly expected?: { readonly sql: string; readonly params: (ids: GeneratedDataSet['ids']) => unknown[] };
  /** What every row must satisfy. */
  readonly rowCheck?: (row: Record<string, unknown>, ids: GeneratedDataSet['ids']) => string | undefined;
}

const openIncidents = (orderBy: string): ListQuery => ({ table: 'incident', orderBy, filter: "status ne 'closed'" });
const notesOf = (orderBy: string): ListQuery => ({ table: 'note', orderBy, filter: "not startswith(text, 'System')" });
const attachmentsOf = (orderBy: string): ListQuery => ({ table: 'attachment', orderBy, filter: "not startswith(filename, 'log')" });

/**
 * The cases: each scope × (newest first, by a name-like column, page 2 of newest first). The floor is the
 * Support Agent's incident list; notes sort by `incidentid` (their only other sortable column: `text` is
 * long text, which cannot be sorted on).
 */
function cases(): Case[] {
  const list: Case[] = [];
  const variants: [Variant, (name: string) => string][] = [
    ['newest', () => 'createdon desc'],
    ['by name', (name) => name],
    ['page 2', () => 'createdon desc'],
  ];
  for (const [variant, orderBy] of variants) {
    const floor = `global: the floor, ${variant}`;
    list.push({
      scope: 'global: the floor',
      visitor: 'agent',
      variant,
      query: openIncidents(orderBy('title')),
      rowCheck: (row) => (row['status'] === 'closed' ? 'a closed incident' : !('internalnotes' in row) ? 'no internalnotes for a Support Agent' : undefined),
    });
    list.push({
      scope: 'contact',
      visitor: 'contactA',
      variant,
      floor,
      query: openIncidents(orderBy('title')),
      expected: { sql: "select count(*) as n from incident where customerid = ? and status <> 'closed'", params: (ids) => [ids.contactA] },
      rowCheck: (row, ids) =>
        row['customerid'] !== ids.contactA ? "someone else's incident" : 'internalnotes' in row ? 'internalnotes leaked' : undefined,
    });
    list.push({
      scope: 'account ∪ contact',
      visitor: 'manager',
      variant,
      floor,
      query: openIncidents(orderBy('title')),
      expected: {
        sql: "select count(*) as n from incident where (customerid = ? or accountid = (select accountid from contact where id = ?)) and status <> 'closed'",
        params: (ids) => [ids.manager, ids.manager],
      },
      rowCheck: (row) => (row['accountid'] !== DATA_BENCH_VISITORS.manager.accountId ? "another account's incident" : undefined),
    });
    list.push({
      scope: 'parent (notes → own incidents)',
      visitor: 'contactA',
      variant,
      floor,
      query: notesOf(orderBy('incidentid')),
      expected: {
        sql: "select count(*) as n from note n join incident i on i.id = n.incidentid where i.customerid = ? and n.text not like 'System%'",
        params: (ids) => [ids.contactA],
      },
    });
    list.push({
      scope: 'parent (notes → account ∪ own incidents)',
      visitor: 'manager',
      variant,
      floor,
      query: notesOf(orderBy('incidentid')),
      expected: {
        sql:
          "select count(*) as n from note n join incident i on i.id = n.incidentid where (i.customerid = ? or i.accountid = (select accountid from contact where id = ?)) and n.text not like 'System%'",
        params: (ids) => [ids.manager, ids.manager],
      },
    });
    list.push({
      scope: 'parent² (attachments → notes → own incidents)',
      visitor: 'contactA',
      variant,
      floor,
      query: attachmentsOf(orderBy('filename')),
      expected: {
        sql: "select count(*) as n from attachment a join note n on n.id = a.noteid join incident i on i.id = n.incidentid where i.customerid = ? and a.filename not like 'log%'",
        params: (ids) => [ids.contactA],
      },
    });
  }
  return list;
}

function listUrl(base: string, query: ListQuery, cursor?: string): string {
  const parameters = new URLSearchParams({ top: '50', orderBy: query.orderBy, filter: query.filter });
  if (cursor !== undefined) parameters.set('cursor', cursor);
  return `${base}/api/tables/${query.table}?${parameters}`;
}

interface Page {
  rows: Record<string, unknown>[];
  nextCursor?: string;
}

async function getPage(url: string, cookie: string): Promise<Page> {
  const response = await fetch(url, { headers: { cookie } });
  const text = await response.text();
  if (response.status !== 200) throw new Error(`GET ${url} → ${response.status} ${text.slice(0, 500)}`);
  return JSON.parse(text) as Page;
}

async function signIn(url: string, email: string): Promise<string> {
  const response = await fetch(`${url}/auth/local/sign-in`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: url, 'x-portalkit-request': '1' },
    body: JSON.stringify({ login: email, password: DATA_BENCH_PASSWORD }),
  });
  if (response.status !== 200) throw new Error(`sign-in of ${email} failed: ${response.status} ${await response.text()}`);
  return response.headers.getSetCookie().map((cookie) => cookie.split(';')[0]).join('; ');
}

/** Walks the list to its end (or `maxPages`), checking every row and the order; returns the row count. */
async function walk(base: string, cookie: string, c: Case, ids: GeneratedDataSet['ids'], maxPages: number): Promise<number> {
  let cursor: string | undefined;
  let count = 0;
  const [column, direction] = c.query.orderBy.split(' ');
  let previous: unknown;
  for (let page = 0; page < maxPages; page++) {
    const result = await getPage(listUrl(base, c.query, cursor), cookie);
    for (const row of result.rows) {
      const problem = c.rowCheck?.(row, ids);
      if (problem) throw new Error(`${c.scope}: ${problem} in ${JSON.stringify(row)}`);
      const value = row[column!];
      if (previous !== undefined && (direction === 'desc' ? compare(value, previous) > 0 : compare(value, previous) < 0)) {
        throw new Error(`${c.scope}: rows out of order by ${c.query.orderBy}: ${JSON.stringify(previous)} then ${JSON.stringify(value)}`);
      }
      previous = value;
    }
    count += result.rows.length;
    if (page === 0 && result.rows.length !== 50 && result.nextCursor !== undefined) throw new Error(`${c.scope}: a short first page with a cursor`);
    if (result.nextCursor === undefined) return count;
    cursor = result.nextCursor;
  }
  return count;
}

function compare(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0;
}

interface Timing {
  samples: number[];
  warmUps: number;
  rows: number;
}

/** Sequential requests: warm-ups, then timed ones, each within its time budget. */
async function time(url: string, cookie: string): Promise<Timing> {
  let rows = 0;
  const once = async (): Promise<number> => {
    const started = performance.now();
    const response = await fetch(url, { headers: { cookie } });
    const text = await response.text();
    const elapsed = performance.now() - started;
    if (response.status !== 200) throw new Error(`GET ${url} → ${response.status} ${text.slice(0, 300)}`);
    rows = (JSON.parse(text) as Page).rows.length;
    return elapsed;
  };
  let warmUps = 0;
  const warmUpEnd = performance.now() + WARM_UP_BUDGET_MS;
  while (warmUps < WARM_UP && performance.now() < warmUpEnd) {
    await once();
    warmUps++;
  }
  const samples: number[] = [];
  const timedEnd = performance.now() + TIMED_BUDGET_MS;
  while (samples.length < TIMED && (samples.length < 5 || performance.now() < timedEnd)) samples.push(await once());
  return { samples, warmUps, rows };
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

const ms = (value: number): string => (value < 10 ? value.toFixed(2) : value < 100 ? value.toFixed(1) : value.toFixed(0));

// ---------------------------------------------------------------------------------------------------

const runStarted = performance.now();
const size = dataBenchSize();
const dataDir = await mkdtemp(join(tmpdir(), 'portalkit-data-bench-'));
const file = join(dataDir, 'portalkit.db');
let server: Listening | undefined;
try {
  // 1. The server creates the tables and seeds the benchmark visitors; then the file is bulk-filled.
  let started = performance.now();
  server = await spawnListening(['--import', 'tsx', serverScript, dataDir, '--seed'], { timeoutMs: 60_000 });
  const emptyStartMs = performance.now() - started;
  await server.stop();
  server = undefined;
  console.log(`Generating ${(size.accounts * size.contactsPerAccount * size.incidentsPerContact).toLocaleString('en')} incidents…`);
  const data = generateDataSet(file, size);
  console.log(
    `Generated in ${data.seconds.toFixed(1)} s (one transaction, prepared statements): ${data.accounts + 2} accounts, ${data.contacts + 3} contacts, ` +
      `${data.incidents.toLocaleString('en')} incidents, ${data.notes.toLocaleString('en')} notes, ${data.attachments.toLocaleString('en')} attachments; ` +
      `file ${data.megabytes.toFixed(0)} MB.\nContact A owns ${data.reach.contactAIncidents} incidents (${data.reach.contactAOpenIncidents} not closed), ` +
      `${data.reach.contactANotes} notes and ${data.reach.contactAAttachments} attachments on them; A's account has ${data.reach.accountAIncidents} incidents.`,
  );

  const all = cases();
  const expected = new Map<Case, number>();
  {
    const db = new SQLite(file, { readonly: true });
    for (const c of all) if (c.expected) expected.set(c, (db.prepare(c.expected.sql).get(...c.expected.params(data.ids)) as { n: number }).n);
    db.close();
  }

  // 2. The server again, on the filled file.
  started = performance.now();
  server = await spawnListening(['--import', 'tsx', serverScript, dataDir], { timeoutMs: 300_000 });
  const fullStartMs = performance.now() - started;
  console.log(`Server start (process spawn to listening): ${emptyStartMs.toFixed(0)} ms on the empty file, ${fullStartMs.toFixed(0)} ms on the filled one.\n`);
  const base = server.url;
  const cookies: Record<VisitorName, string> = {
    contactA: await signIn(base, DATA_BENCH_VISITORS.contactA.email),
    manager: await signIn(base, DATA_BENCH_VISITORS.manager.email),
    agent: await signIn(base, DATA_BENCH_VISITORS.agent.email),
  };

  // 3. Correct answers first: each scoped list walked to its end and counted against SQLite.
  for (const c of all) {
    if (c.variant === 'page 2') continue;
    const want = expected.get(c);
    const got = await walk(base, cookies[c.visitor], c, data.ids, want === undefined ? 3 : 1000);
    if (want !== undefined && got !== want) throw new Error(`${c.scope} (${c.query.orderBy}): the API listed ${got} rows, SQLite counts ${want}.`);
  }

  // 4. Timed.
  const results = new Map<string, { c: Case; timing: Timing; p50: number; p95: number; p99: number }>();
  for (const c of all) {
    let cursor: string | undefined;
    if (c.variant === 'page 2') {
      cursor = (await getPage(listUrl(base, c.query), cookies[c.visitor])).nextCursor;
      if (cursor === undefined) throw new Error(`${c.scope}: no second page to time.`);
    }
    const timing = await time(listUrl(base, c.query, cursor), cookies[c.visitor]);
    const sorted = [...timing.samples].sort((a, b) => a - b);
    results.set(`${c.scope}, ${c.variant}`, { c, timing, p50: percentile(sorted, 50), p95: percentile(sorted, 95), p99: percentile(sorted, 99) });
    process.stdout.write('.');
  }
  process.stdout.write('\n');

  // 5. The table.
  const header = ['scope (visitor)', 'list', 'rows', 'n', 'p50 ms', 'p95 ms', 'p99 ms', 'p95 / floor', 'goal'];
  const table: string[][] = [];
  const missed: string[] = [];
  let scoped = 0;
  for (const { c, timing, p50, p95, p99 } of results.values()) {
    const floor = c.floor ? results.get(c.floor) : undefined;
    const ratio = floor ? p95 / floor.p95 : undefined;
    const met = floor ? p95 < GOAL_P95_MS && ratio! <= GOAL_RATIO : undefined;
    if (floor) scoped++;
    if (met === false) missed.push(`${c.scope}, ${c.query.table} ${c.variant} (p95 ${ms(p95)} ms, ${ratio!.toFixed(2)}×)`);
    const capped = timing.samples.length < TIMED || timing.warmUps < WARM_UP ? '*' : '';
    table.push([
      `${c.scope} (${c.visitor})`,
      `${c.query.table} ${c.variant === 'page 2' ? 'page 2, ' : ''}by ${c.query.orderBy}`,
      String(timing.rows),
      `${timing.samples.length}${capped}`,
      ms(p50),
      ms(p95),
      ms(p99),
      ratio === undefined ? '—' : `${ratio.toFixed(2)}×`,
      met === undefined ? '(floor)' : met ? 'met' : 'NOT met',
    ]);
  }
  const widths = header.map((h, column) => Math.max(h.length, ...table.map((row) => row[column]!.length)));
  const line = (row: readonly string[]): string => row.map((cell, column) => (column >= 2 && column <= 7 ? cell.padStart(widths[column]!) : cell.padEnd(widths[column]!))).join('  ');
  console.log(
    `\nData-list benchmark: ${data.incidents.toLocaleString('en')} incidents, sequential requests over loopback (fetch, keep-alive), ` +
      `${WARM_UP} warm-up + ${TIMED} timed per list, top=50; server in its own process; ${availableParallelism()} cores, Node ${process.version}.\n` +
      `Filters: incidents status ne 'closed'; notes not startswith(text, 'System'); attachments not startswith(filename, 'log').\n`,
  );
  console.log(line(header));
  for (const row of table) console.log(line(row));
  if (table.some((row) => row[3]!.endsWith('*'))) console.log(`* stopped early: over ${WARM_UP_BUDGET_MS / 1000} s of warm-up or ${TIMED_BUDGET_MS / 1000} s of timed requests.`);
  console.log(
    `\nGoal (issue 4): every scoped list p95 < ${GOAL_P95_MS} ms and ≤ ${GOAL_RATIO}× the global floor's p95 for the same list → ` +
      (missed.length === 0 ? `met (${scoped} of ${scoped})` : `NOT met: ${scoped - missed.length} of ${scoped} met; missed:\n  ${missed.join('\n  ')}`),
  );
  console.log(`\nWhole run: ${((performance.now() - runStarted) / 1000).toFixed(0)} s.`);
} finally {
  await server?.stop();
  if (process.env['BENCH_KEEP_DATA']) console.log(`(data kept in ${dataDir})`);
  else await rm(dataDir, { recursive: true, force: true });
}
