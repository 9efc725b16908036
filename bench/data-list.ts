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
 * incidents, and the notes on them) and a Support Agent (global scope on all three tables: the floor, the
 * same list for each scoped one). Every list is 50 rows,
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

/** The Support Agent's lists: global scope, the floor. */
const FLOOR = 'global: the floor';
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
  /** Rows the whole list must have (all pages), counted in SQLite; unset where walking it all is too long. */
  readonly expected?: { readonly sql: string; readonly params: (ids: GeneratedDataSet['ids']) => unknown[] };
  /** What every row must satisfy. */
  readonly rowCheck?: (row: Record<string, unknown>, ids: GeneratedDataSet['ids']) => string | undefined;
}

const openIncidents = (orderBy: string): ListQuery => ({ table: 'incident', orderBy, filter: "status ne 'closed'" });
const notesOf = (orderBy: string): ListQuery => ({ table: 'note', orderBy, filter: "not startswith(text, 'System')" });
const attachmentsOf = (orderBy: string): ListQuery => ({ table: 'attachment', orderBy, filter: "not startswith(filename, 'log')" });

/** The key a case's timing is filed under (and a floor is found by). */
const caseKey = (c: { scope: string; variant: Variant; query: ListQuery }): string => `${c.scope} | ${c.query.table} | ${c.variant}`;

/**
 * The cases: each scope × (newest first, by a name-like column, page 2 of newest first). Each scoped list
 * is compared with its floor: the same query (table, filter, order, page) by the Support Agent, whose
 * grants on incidents, notes and attachments are global. Notes sort by `incidentid` (their only other
 * sortable column: `text` is long text, which cannot be sorted on).
 */
function cases(): Case[] {
  const list: Case[] = [];
  const variants: [Variant, (name: string) => string][] = [
    ['newest', () => 'createdon desc'],
    ['by name', (name) => name],
    ['page 2', () => 'createdon desc'],
  ];
  for (const [variant, orderBy] of variants) {
    const floor = (query: ListQuery, rowCheck: NonNullable<Case['rowCheck']>): Case => ({ scope: FLOOR, visitor: 'agent', variant, query, rowCheck });
    list.push(
      floor(openIncidents(orderBy('title')), (row) =>
        row['status'] === 'closed' ? 'a closed incident' : !('internalnotes' in row) ? 'no internalnotes for a Support Agent' : undefined,
      ),
      floor(notesOf(orderBy('incidentid')), (row) => (String(row['text']).startsWith('System') ? 'a filtered-out note' : undefined)),
      floor(attachmentsOf(orderBy('filename')), (row) => (String(row['filename']).startsWith('log') ? 'a filtered-out attachment' : undefined)),
    );
    list.push({
      scope: 'contact',
      visitor: 'contactA',
      variant,
      query: openIncidents(orderBy('title')),
      expected: { sql: "select count(*) as n from incident where customerid = ? and status <> 'closed'", params: (ids) => [ids.contactA] },
      rowCheck: (row, ids) =>
        row['customerid'] !== ids.contactA ? "someone else's incident" : 'internalnotes' in row ? 'internalnotes leaked' : undefined,
    });
    list.push({
      scope: 'account ∪ contact',
      visitor: 'manager',
      variant,
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

/** One list being timed: where to send it, and what was measured. */
interface Timing {
  readonly c: Case;
  readonly url: string;
  readonly cookie: string;
  readonly samples: number[];
  warmUps: number;
  rows: number;
  /** Time spent on this list so far (warm-up, then timed), against its budgets. */
  spentMs: number;
}

async function timeOnce(timing: Timing): Promise<number> {
  const started = performance.now();
  const response = await fetch(timing.url, { headers: { cookie: timing.cookie } });
  const text = await response.text();
  const elapsed = performance.now() - started;
  if (response.status !== 200) throw new Error(`GET ${timing.url} → ${response.status} ${text.slice(0, 300)}`);
  timing.rows = (JSON.parse(text) as Page).rows.length;
  timing.spentMs += elapsed;
  return elapsed;
}

/**
 * Sequential requests in rounds: every round sends each list once, in a fresh random order, so a slow
 * moment of the machine (a GC pause, a neighbour's burst) lands on all lists alike instead of on one
 * list's block of requests; a ratio to the floor then compares like with like. Warm-up rounds first.
 * A list over its time budget drops out of later rounds (after at least 5 timed requests).
 */
async function timeInRounds(timings: readonly Timing[]): Promise<void> {
  const shuffled = (): Timing[] => {
    const order = [...timings];
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(Math.random() * (i + 1));
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    return order;
  };
  for (let round = 0; round < WARM_UP; round++) {
    for (const timing of shuffled()) {
      if (timing.spentMs > WARM_UP_BUDGET_MS) continue;
      await timeOnce(timing);
      timing.warmUps++;
    }
  }
  for (const timing of timings) timing.spentMs = 0;
  for (let round = 0; round < TIMED; round++) {
    for (const timing of shuffled()) {
      if (timing.samples.length >= 5 && timing.spentMs > TIMED_BUDGET_MS) continue;
      timing.samples.push(await timeOnce(timing));
    }
    if (round % 20 === 19) process.stdout.write('.');
  }
  process.stdout.write('\n');
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

  // 4. Timed, all lists in interleaved rounds.
  const timings: Timing[] = [];
  for (const c of all) {
    let cursor: string | undefined;
    if (c.variant === 'page 2') {
      cursor = (await getPage(listUrl(base, c.query), cookies[c.visitor])).nextCursor;
      if (cursor === undefined) throw new Error(`${c.scope}: no second page to time.`);
    }
    timings.push({ c, url: listUrl(base, c.query, cursor), cookie: cookies[c.visitor], samples: [], warmUps: 0, rows: 0, spentMs: 0 });
  }
  await timeInRounds(timings);
  const results = new Map<string, { c: Case; timing: Timing; p50: number; p95: number; p99: number }>();
  for (const timing of timings) {
    const sorted = [...timing.samples].sort((a, b) => a - b);
    results.set(caseKey(timing.c), { c: timing.c, timing, p50: percentile(sorted, 50), p95: percentile(sorted, 95), p99: percentile(sorted, 99) });
  }

  // 5. The table.
  const header = ['scope (visitor)', 'list', 'rows', 'n', 'p50 ms', 'p95 ms', 'p99 ms', 'p95 / floor', 'goal'];
  const table: string[][] = [];
  const missed: string[] = [];
  let scoped = 0;
  for (const { c, timing, p50, p95, p99 } of results.values()) {
    // A scoped list's floor: the same query (table, filter, order, page) by the Support Agent.
    const floor = c.scope === FLOOR ? undefined : results.get(caseKey({ ...c, scope: FLOOR }));
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
      `${WARM_UP} warm-up + ${TIMED} timed rounds (each list once per round, in random order), top=50; server in its own process; ${availableParallelism()} cores, Node ${process.version}.\n` +
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
