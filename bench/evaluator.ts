/**
 * Evaluator benchmark: what deciding costs, on the demo configuration, for each demo role.
 *
 *   npm run bench:evaluator
 *
 * Anchors measured in the same run: JSON.stringify of the very payload being built (the floor for
 * producing it) and a Set lookup (the floor for a yes/no decision). Prints a table; not a test.
 */
import { readFile } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import { rollup } from 'rollup';
import { nodeResolve } from '@rollup/plugin-node-resolve';
import terserPlugin from '@rollup/plugin-terser';

// The plugin ships CommonJS types whose default export NodeNext sees as the module object.
const terser = terserPlugin as unknown as (options?: object) => import('rollup').Plugin;
import { buildPermissionSetClaims, rightsFromClaims } from '@portalkit/core';
import type { PortalModel, Visitor } from '@portalkit/core';
import { loadConfigOrThrow } from '@portalkit/core/config';

const configUrl = new URL('../examples/contoso/portal.config.json', import.meta.url);
const { model } = loadConfigOrThrow(JSON.parse(await readFile(configUrl, 'utf8')));

/** Nanoseconds per call of `fn`, median of 7 timed batches after a warm-up. */
function nsPerOp(fn: () => unknown, batch = 20_000): number {
  for (let i = 0; i < batch; i++) fn();
  const samples: number[] = [];
  for (let round = 0; round < 7; round++) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < batch; i++) fn();
    samples.push(Number(process.hrtime.bigint() - start) / batch);
  }
  return samples.sort((a, b) => a - b)[3]!;
}

function visitorFor(model: PortalModel, role: string): Visitor {
  return role === model.roles.anonymous ? {} : { contactId: 'c-a', accountId: 'acc-x', roles: [role] };
}

const incidents = [
  { id: 'i-1', customerid: 'c-a', accountid: 'acc-x' },
  { id: 'i-2', customerid: 'c-b', accountid: 'acc-x' },
  { id: 'i-3', customerid: 'c-c', accountid: 'acc-y' },
];
const notes = [{ id: 'n-1', incidentid: 'i-1' }, { id: 'n-2', incidentid: 'i-3' }];
const byId = new Map<string, Record<string, unknown>>([...incidents, ...notes].map((row) => [`${row.id}`, row]));
const resolve = (_table: string, id: string) => byId.get(id);
const roleSet = new Set(model.roles.names);

const rows: string[][] = [];
for (const role of model.roles.names) {
  const visitor = visitorFor(model, role);
  const options = { issuer: 'http://127.0.0.1:8787', issuedAt: 1_800_000_000, sessionId: 's' };
  const claims = buildPermissionSetClaims(model, visitor, options);
  const rights = rightsFromClaims(claims);
  const build = nsPerOp(() => buildPermissionSetClaims(model, visitor, options), 2_000);
  const stringify = nsPerOp(() => JSON.stringify(claims), 2_000);
  let i = 0;
  const rowDecision = nsPerOp(() => rights.can('read', 'note', notes[i++ & 1]!, resolve));
  const page = nsPerOp(() => rights.canReadPage('/partners/news/2026'));
  const setHas = nsPerOp(() => roleSet.has(role));
  rows.push([
    role,
    `${JSON.stringify(claims).length} B`,
    `${(build / 1000).toFixed(1)} µs (${(build / stringify).toFixed(1)}× stringify)`,
    `${rowDecision.toFixed(0)} ns (${(rowDecision / setHas).toFixed(0)}× Set.has)`,
    `${page.toFixed(0)} ns`,
  ]);
}

async function bundleBytes(input: string): Promise<{ min: number; gzip: number }> {
  const build = await rollup({ input, plugins: [nodeResolve({ browser: true }), terser({ ecma: 2022, module: true })] });
  const { output } = await build.generate({ format: 'es' });
  await build.close();
  const code = output[0].code;
  return { min: Buffer.byteLength(code), gzip: gzipSync(code, { level: 9 }).byteLength };
}

const evaluator = await bundleBytes(new URL('../packages/sdk/dist/index.js', import.meta.url).pathname);

console.log('Evaluator on examples/contoso (Node ' + process.version + ')\n');
const header = ['role', 'permission set', 'build claims', 'note read (parent chain)', 'page decision'];
const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c]!.length)));
for (const row of [header, ...rows]) console.log(row.map((cell, c) => cell.padEnd(widths[c]!)).join('  '));
console.log(`\nEvaluator in the browser bundle (@portalkit/sdk today): ${evaluator.min} B min, ${evaluator.gzip} B min+gzip`);
