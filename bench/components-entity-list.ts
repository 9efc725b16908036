/**
 * `<pk-entity-list>` render benchmark (issue 6): how long the element takes to put N rows on screen,
 * in headless Chromium, over the test double (no network: only the element's own work is measured).
 *
 *   node --import tsx bench/components-entity-list.ts            (BENCH_ROWS=1000,5000 BENCH_RUNS=15)
 *
 * The page (bundled with esbuild from the sources) builds a test double signed in as a Support Agent
 * with N incidents, whose `list` answers every request with all N rows (the data API pages at most 500,
 * but a page can hold more rows than one request returns, and the issue asks for "thousands loaded").
 * Per run, a fresh element: (a) the synchronous Lit update that puts the N rows on screen (render +
 * DOM commit, timed around `update()`), (b) the style and layout after it (a `getBoundingClientRect`
 * on the table forced in the same task). Then on the same element: a re-list after a write (the same N
 * rows, one changed: keyed `repeat` keeps every other row's DOM) and a new order (the N rows reversed:
 * every row moves; update + layout).
 */
import { build } from 'esbuild';
import { chromium } from 'playwright-core';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../test/support/chromium.mjs';

const ROWS = (process.env['BENCH_ROWS'] ?? '1000,5000').split(',').map(Number);
const RUNS = Number(process.env['BENCH_RUNS'] ?? 15);
const ROOT = fileURLToPath(new URL('..', import.meta.url));

interface RunResult {
  /** Lit render + DOM commit of the update that shows the rows. */
  renderMs: number;
  /** The style and layout that follow (forced). */
  layoutMs: number;
  relistMs: number;
  sortMs: number;
  rowsInDom: number;
}

declare global {
  interface Window {
    __pkBench?: (rows: number) => Promise<RunResult>;
  }
}

/** The page: defines the element and `window.__pkBench(n)`. Bundled from this string. */
const PAGE = `
import '../packages/components/src/components/entity-list/entity-list.js';
import { createTestPortalClient } from '../packages/sdk/src/testing/index.js';
import config from '../examples/contoso/portal.config.json';

const sam = { id: 'contact-sam', email: 'sam@contoso.example', roles: ['Support Agents'] };
const statuses = ['open', 'in progress', 'closed'];
function incidents(n) {
  return Array.from({ length: n }, (_, i) => ({
    id: 'inc-' + i,
    title: 'Incident ' + i + ' <img src=x onerror=alert(1)>',
    status: statuses[i % 3],
    priority: i % 5,
    customerid: 'contact-' + (i % 50),
    accountid: 'account-' + (i % 7),
    createdon: new Date(Date.UTC(2026, 0, 1) + i * 60000).toISOString(),
  }));
}
const frame = () => new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));

window.__pkBench = async (n) => {
  const client = createTestPortalClient({ config, contact: sam, tables: { incident: incidents(n) } });
  const table = client.table.bind(client);
  let reverse = false;
  client.table = (name) => {
    const t = table(name);
    return { ...t, list: async (query) => {
      const page = await t.list({ ...query, top: n, cursor: undefined });
      return { rows: reverse ? [...page.rows].reverse() : page.rows };
    } };
  };
  document.body.replaceChildren();
  const element = document.createElement('pk-entity-list');
  element.setAttribute('table', 'incident');
  element.setAttribute('columns', 'title status priority customerid createdon');
  element.client = client;
  // Lit's update() renders and commits synchronously: timing it isolates the element's own work.
  let renderMs = 0;
  let layoutMs = 0;
  const update = element.update;
  element.update = function (changed) {
    const start = performance.now();
    update.call(this, changed);
    const committed = performance.now();
    // Forced here, in the same task, so a frame cannot have done the layout already.
    this.shadowRoot.querySelector('table')?.getBoundingClientRect();
    renderMs = committed - start;
    layoutMs = performance.now() - committed;
  };
  const measure = async (start) => {
    // Wait for the update that puts rows on screen.
    while (element.status === 'loading' || element.shadowRoot?.querySelectorAll('tbody tr').length !== n) await new Promise((resolve) => setTimeout(resolve, 0));
    await element.updateComplete;
    const result = { render: renderMs, layout: layoutMs };
    await frame();
    return result;
  };
  document.body.append(element);
  const first = await measure();
  const rowsInDom = element.shadowRoot.querySelectorAll('tbody tr').length;
  // Re-list after a write: the same rows, one changed.
  client.touchRow('incident', 'inc-1', { title: 'Changed' });
  const relisting = element.reload();
  await relisting;
  const relist = await measure();
  // A new order: every row moves.
  reverse = true;
  await element.reload();
  const sorted = await measure();
  element.remove();
  return { renderMs: first.render, layoutMs: first.layout, relistMs: relist.render, sortMs: sorted.render + sorted.layout, rowsInDom };
};
window.__pkReady = true;
`;

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

const bundle = await build({
  stdin: { contents: PAGE, resolveDir: join(ROOT, 'bench'), sourcefile: 'entity-list-bench-page.js', loader: 'js' },
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  minify: true,
  write: false,
  logLevel: 'silent',
  conditions: ['browser', 'production'],
  tsconfig: join(ROOT, 'packages/components/tsconfig.json'),
});
const script = bundle.outputFiles[0]!.text;
const html = '<!doctype html><meta charset="utf-8"><title>entity list</title><body></body><script type="module" src="/page.js"></script>';
const pages = createServer((request, response) => {
  const path = new URL(request.url ?? '/', 'http://127.0.0.1').pathname;
  if (path === '/page.js') response.writeHead(200, { 'content-type': 'text/javascript' }).end(script);
  else if (path === '/') response.writeHead(200, { 'content-type': 'text/html' }).end(html);
  else response.writeHead(404).end();
});
await new Promise<void>((resolve) => pages.listen(0, '127.0.0.1', resolve));
const origin = `http://127.0.0.1:${(pages.address() as AddressInfo).port}`;

const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: [...CHROMIUM_ARGS] });
try {
  const page = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(String(error)));
  page.on('dialog', (dialog) => {
    errors.push(`a dialog opened: ${dialog.message()}`);
    void dialog.dismiss();
  });
  await page.goto(origin);
  await page.waitForFunction(() => (window as { __pkReady?: boolean }).__pkReady === true, undefined, { timeout: 10_000 });
  console.log(`<pk-entity-list> render time, headless Chromium (${browser.version()}), ${RUNS} runs per size (after 2 warm-up runs); 5 columns + Edit/Delete; ms`);
  const table = [['rows', 'render + commit (median / p95)', 'then layout (median / p95)', 'total (median)', 're-list, 1 row changed (median)', 'reorder all rows, with layout (median)']];
  for (const rows of ROWS) {
    const results: RunResult[] = [];
    for (let run = 0; run < RUNS + 2; run++) {
      const result = await page.evaluate((n) => window.__pkBench!(n), rows);
      if (result.rowsInDom !== rows) throw new Error(`expected ${rows} rows in the DOM, found ${result.rowsInDom}`);
      if (run >= 2) results.push(result);
    }
    const stat = (pick: (result: RunResult) => number): number[] => results.map(pick).sort((a, b) => a - b);
    const pair = (values: number[]): string => `${percentile(values, 50).toFixed(1)} / ${percentile(values, 95).toFixed(1)}`;
    table.push([
      String(rows),
      pair(stat((r) => r.renderMs)),
      pair(stat((r) => r.layoutMs)),
      percentile(stat((r) => r.renderMs + r.layoutMs), 50).toFixed(1),
      percentile(stat((r) => r.relistMs), 50).toFixed(1),
      percentile(stat((r) => r.sortMs), 50).toFixed(1),
    ]);
  }
  const widths = table[0]!.map((_, column) => Math.max(...table.map((row) => row[column]!.length)));
  for (const row of table) console.log(row.map((cell, column) => cell.padEnd(widths[column]!)).join('  '));
  if (errors.length > 0) throw new Error(`page errors (the XSS payload in the titles must stay text):\n${errors.join('\n')}`);
} finally {
  await browser.close();
  pages.close();
}
