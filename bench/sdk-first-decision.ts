/**
 * SDK benchmark (issue 5): time from creating the client to its first decision with a warm cache, in
 * headless Chromium, and the requests to the portal server before that decision.
 *
 *   node --import tsx bench/sdk-first-decision.ts
 *
 * A real `portalkit serve` (demo configuration, fresh data directory) and a small page server run on
 * 127.0.0.1; the page (bench/support/sdk-first-decision-page.ts, bundled with esbuild) is loaded once to
 * warm the caches, then LOADS times; each load reports its own timing from `performance.now()`.
 * Measured: `createPortalClient({ server })` → first state that is not `loading` → `client.can(...)`,
 * which decides from the verified warm-start mirror (localStorage). Goals: median ≤ 5 ms, zero requests
 * before the decision. Interleaved with each measured load, for comparison: the IndexedDB-only path
 * (PermissionSets without the mirror), the mirror's parts with raw WebCrypto (read+parse, importKey,
 * verify), and the same database opened and read with the raw IndexedDB API (no verification), the
 * floor any IndexedDB-backed cache pays on a fresh page.
 */
import { build } from 'esbuild';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../test/support/chromium.mjs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnListening } from './support/processes.js';
import type { FirstDecisionMode, FirstDecisionResult } from './support/sdk-first-decision-page.js';

const LOADS = Number(process.env['BENCH_LOADS'] ?? 50);
const GOAL_MS = 5;
const PAUSE_MS = Number(process.env['BENCH_PAUSE_MS'] ?? 100);
const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Nearest-rank percentile of sorted values. */
function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

const bundle = await build({
  entryPoints: [join(ROOT, 'bench/support/sdk-first-decision-page.ts')],
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  minify: true,
  write: false,
  logLevel: 'silent',
});
const script = bundle.outputFiles[0]!.text;
const html = '<!doctype html><meta charset="utf-8"><title>first decision</title><script type="module" src="/page.js"></script>';

const pages = createServer((request, response) => {
  const path = new URL(request.url ?? '/', 'http://127.0.0.1').pathname;
  if (path === '/page.js') response.writeHead(200, { 'content-type': 'text/javascript', 'cache-control': 'no-store' }).end(script);
  else if (path === '/') response.writeHead(200, { 'content-type': 'text/html', 'cache-control': 'no-store' }).end(html);
  else response.writeHead(404).end();
});
await new Promise<void>((resolve) => pages.listen(0, '127.0.0.1', resolve));
const pageOrigin = `http://127.0.0.1:${(pages.address() as AddressInfo).port}`;

// The demo configuration with the page's origin allowed (CORS), in a fresh directory.
const tmp = await mkdtemp(join(tmpdir(), 'portalkit-sdk-bench-'));
const config = JSON.parse(await readFile(join(ROOT, 'examples/contoso/portal.config.json'), 'utf8')) as {
  $schema?: string;
  site: { origins: string[] };
};
delete config.$schema;
config.site.origins.push(pageOrigin);
await writeFile(join(tmp, 'portal.config.json'), JSON.stringify(config));
const portal = await spawnListening(
  [join(ROOT, 'packages/server/bin/portalkit.js'), 'serve', '--config', join(tmp, 'portal.config.json'), '--data', join(tmp, 'data'), '--host', '127.0.0.1', '--port', '0', '--quiet'],
  { cwd: ROOT, timeoutMs: 30_000 },
);
const server = portal.url.replace(/\/+$/, '');

const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: [...CHROMIUM_ARGS] });
try {
  const page = await (await browser.newContext()).newPage();
  const load = async (mode: FirstDecisionMode): Promise<FirstDecisionResult> => {
    await page.goto(`${pageOrigin}/?server=${encodeURIComponent(server)}&mode=${mode}`);
    await page.waitForFunction(() => window.__pkResult !== undefined, undefined, { timeout: 10_000 });
    const result = await page.evaluate(() => window.__pkResult!);
    if (result.error) throw new Error(`page failed: ${result.error}`);
    return result;
  };

  const warm = await load('warm');
  if (warm.fromCache) throw new Error('the cache was warm before warming: the data directory is not fresh');
  const runs: Record<'measure' | 'idb' | 'crypto' | 'floor', FirstDecisionResult[]> = { measure: [], idb: [], crypto: [], floor: [] };
  for (let i = 0; i < LOADS; i++) {
    for (const mode of ['measure', 'idb', 'crypto', 'floor'] as const) {
      runs[mode].push(await load(mode));
      // A reader's pause between reloads: the previous page's background work settles first.
      await new Promise((resolve) => setTimeout(resolve, PAUSE_MS));
    }
  }

  const sorted = (values: number[]): number[] => values.sort((a, b) => a - b);
  const stats = (values: number[]): string => {
    const ordered = sorted(values);
    return `${percentile(ordered, 50).toFixed(2)} / ${percentile(ordered, 95).toFixed(2)} ms`;
  };
  const results = runs.measure;
  const times = sorted(results.map((result) => result.firstDecisionMs));
  const idbTimes = sorted(runs.idb.map((result) => result.firstDecisionMs));
  const floorTimes = sorted(runs.floor.map((result) => result.firstDecisionMs));
  const before = Math.max(...results.map((result) => result.requestsBeforeDecision));
  const fromCache = results.filter((result) => result.fromCache && result.decision).length;
  const idbFromCache = runs.idb.filter((result) => result.fromCache && result.decision).length;
  const median = percentile(times, 50);
  const p95 = percentile(times, 95);

  console.log(`First decision with a warm cache: ${LOADS} page loads per path, headless Chromium (${browser.version()}), Node ${process.version}`);
  console.log('Measured: createPortalClient({ server }) → first non-loading state (verified warm-start mirror) → client.can().\n');
  const rows = [
    ['metric', 'value', 'goal', 'met'],
    ['first decision, median', `${median.toFixed(2)} ms`, `≤ ${GOAL_MS} ms`, median <= GOAL_MS ? 'yes' : 'NO'],
    ['first decision, p95', `${p95.toFixed(2)} ms`, '', ''],
    ['first decision, min / max', `${times[0]!.toFixed(2)} / ${times.at(-1)!.toFixed(2)} ms`, '', ''],
    ['requests to the server before it (max)', String(before), '0', before === 0 ? 'yes' : 'NO'],
    ['loads decided from the verified cache', `${fromCache} / ${LOADS}`, `${LOADS} / ${LOADS}`, fromCache === LOADS ? 'yes' : 'NO'],
    ['background revalidation requests per load (max)', String(Math.max(...results.map((result) => result.requestsTotal - result.requestsBeforeDecision))), '1 (a 304)', ''],
    ['mirror parts, raw WebCrypto, median / p95:', '', '', ''],
    ['  localStorage read + JSON.parse', stats(runs.crypto.map((result) => result.readMs)), '', ''],
    ['  importKey (JWK, P-256)', stats(runs.crypto.map((result) => result.openMs)), '', ''],
    ['  verify (ES256)', stats(runs.crypto.map((result) => result.verifyMs)), '', ''],
    ['IndexedDB-only path (no mirror), median / p95', `${percentile(idbTimes, 50).toFixed(2)} / ${percentile(idbTimes, 95).toFixed(2)} ms`, '', ''],
    ['  of which opening IndexedDB, median / p95', stats(runs.idb.map((result) => result.openMs)), '', ''],
    ['  decided from the verified cache', `${idbFromCache} / ${LOADS}`, '', ''],
    ['anchor: raw IndexedDB open + the same reads, median / p95', `${percentile(floorTimes, 50).toFixed(2)} / ${percentile(floorTimes, 95).toFixed(2)} ms`, '', ''],
    ['  of which opening, median', `${percentile(sorted(runs.floor.map((result) => result.openMs)), 50).toFixed(2)} ms`, '', ''],
  ];
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  for (const row of rows) console.log(row.map((cell, column) => cell.padEnd(widths[column]!)).join('  '));
} finally {
  await browser.close();
  await portal.stop();
  pages.close();
  await rm(tmp, { recursive: true, force: true });
}
