/**
 * Components bundle size (issue 6), min+gzip, all bundled the same way in this run (rollup +
 * node-resolve `browser` + commonjs + NODE_ENV=production + terser, ESM, gzip -9):
 * - PortalKit: `dist/portalkit.js` (all elements + lit + @lit/context + @lit/localize + the SDK core)
 *   and every chunk it loads statically; the lazy chunks (external sign-in flow, provider adapters,
 *   French strings) are listed apart;
 * - anchors: the Amplify UI Authenticator (`Authenticator` + `Amplify` to configure it + react-dom's
 *   `createRoot` to mount it) and Supabase Auth UI (`Auth` + `ThemeSupa` + `createClient` +
 *   `createRoot`). Amplify's documented setup also imports `@aws-amplify/ui-react/styles.css` (ours is
 *   inside the JS; Supabase's is CSS-in-JS): it is reported as a second Amplify line, minified with
 *   esbuild and gzipped the same way; the goal is judged against both lines.
 * Goal: ≤ 30 KB and ≤ 0.2× Amplify. Run after `npm run build`: `node --import tsx bench/components-bundle-size.ts`.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { transform } from 'esbuild';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { rollup } from 'rollup';
import type { OutputChunk, Plugin, RollupOptions } from 'rollup';
// @ts-expect-error -- the rollup config is plain JS without declarations.
import { anchorPlugins, portalkitCdn } from '../rollup.config.mjs';

const gz = (code: string): number => gzipSync(code, { level: 9 }).length;
const kb = (bytes: number): string => `${(bytes / 1024).toFixed(2)} KB`;

/** The one pipeline every bundle here goes through (ours too, so the comparison is like for like). */
const plugins = anchorPlugins as () => Plugin[];

async function chunksOf(options: RollupOptions): Promise<OutputChunk[]> {
  const build = await rollup({ ...options, plugins: plugins(), onwarn: () => undefined });
  const { output } = await build.generate({ ...(options.output as object), sourcemap: false });
  await build.close();
  return output.filter((item): item is OutputChunk => item.type === 'chunk');
}

/** A page's entry module re-exporting what a site needs to show the anchor, bundled into one file. */
async function anchor(dir: string, name: string, source: string): Promise<number> {
  const entry = join(dir, `${name}.mjs`);
  await writeFile(entry, source);
  const chunks = await chunksOf({ input: entry, output: { format: 'es', inlineDynamicImports: true } });
  return gz(chunks[0]!.code);
}

const chunks = await chunksOf(portalkitCdn as RollupOptions);
const entry = chunks.find((chunk) => chunk.fileName === 'portalkit.js');
if (!entry) throw new Error('no portalkit.js chunk: run `npm run build` first');
const core = new Set<OutputChunk>([entry]);
for (const chunk of core) for (const imported of chunk.imports) core.add(chunks.find((candidate) => candidate.fileName === imported)!);
const coreBytes = [...core].reduce((sum, chunk) => sum + gz(chunk.code), 0);
const lazy = chunks.filter((chunk) => !core.has(chunk) && !chunk.isEntry);
const elementParts = lazy.filter(isElementPart).reduce((sum, chunk) => sum + gz(chunk.code), 0);
const elements = ['pk-portal', 'pk-sign-in', 'pk-profile-form', 'pk-protected', 'pk-entity-list'];
const missing = elements.filter((tag) => ![...core].some((chunk) => chunk.code.includes(`"${tag}"`)));

/** What a lazy chunk is, from the modules in it. */
function describeLazy(chunk: OutputChunk): string {
  const ids = Object.keys(chunk.modules);
  if (ids.some((id) => /adapters[\\/]oidc\.js$/.test(id))) return 'oidc adapter with oidc-client-ts';
  if (ids.some((id) => /adapters[\\/]entra\.js$/.test(id))) return 'entra adapter with @azure/msal-browser';
  if (ids.some((id) => /locales[\\/]fr\.js$/.test(id))) return 'French strings';
  if (ids.some((id) => /auth[\\/]external[\\/]index\.js$/.test(id))) return 'external sign-in flow';
  if (isElementPart(chunk)) return `element part (${ids.filter((id) => /components[\\/]dist[\\/]components[\\/]/.test(id)).map((id) => id.split(/[\\/]/).slice(-2).join('/')).join(', ')})`;
  return chunk.fileName;
}

/** A lazy chunk of an element's own code (e.g. a dialog loaded on first use), not a sign-in or locale chunk. */
function isElementPart(chunk: OutputChunk): boolean {
  const ids = Object.keys(chunk.modules);
  return ids.some((id) => /components[\\/]dist[\\/]components[\\/]/.test(id)) && !ids.some((id) => /locales[\\/]|auth[\\/]external[\\/]/.test(id));
}

const dir = await mkdtemp(join(process.cwd(), 'node_modules', '.components-bundle-size-'));
let amplify: number, supabase: number;
try {
  amplify = await anchor(
    dir,
    'amplify',
    "export { Authenticator } from '@aws-amplify/ui-react';\nexport { Amplify } from 'aws-amplify';\nexport { createRoot } from 'react-dom/client';\n",
  );
  supabase = await anchor(
    dir,
    'supabase',
    "export { Auth } from '@supabase/auth-ui-react';\nexport { ThemeSupa } from '@supabase/auth-ui-shared';\nexport { createClient } from '@supabase/supabase-js';\nexport { createRoot } from 'react-dom/client';\n",
  );
} finally {
  await rm(dir, { recursive: true, force: true });
}
// Amplify's documented setup also imports its stylesheet (ours is inside the JS): minified the same way.
const amplifyCssFile = createRequire(import.meta.url).resolve('@aws-amplify/ui-react/styles.css');
const amplifyCss = gz((await transform(await readFile(amplifyCssFile, 'utf8'), { loader: 'css', minify: true })).code);

console.log('Components bundle sizes, min+gzip (rollup + node-resolve browser + commonjs + terser, gzip -9)');
const rows: [string, number][] = [
  [`PortalKit dist/portalkit.js + static chunks (${elements.length - missing.length} elements, lit, SDK core)`, coreBytes],
  ...lazy.map((chunk): [string, number] => [`  lazy: ${describeLazy(chunk)}`, gz(chunk.code)]),
  ...(elementParts > 0 ? [[`all elements once used: the above + their lazy parts`, coreBytes + elementParts] as [string, number]] : []),
  ['anchor: Amplify UI Authenticator + Amplify + react-dom', amplify],
  ['anchor: the same + its required styles.css (minified)', amplify + amplifyCss],
  ['anchor: Supabase Auth UI + supabase-js + react-dom', supabase],
];
for (const [label, bytes] of rows) console.log(`  ${label.padEnd(72)} ${String(bytes).padStart(8)} B  ${kb(bytes).padStart(10)}`);
console.log(`  PortalKit / Amplify Authenticator: ${(coreBytes / amplify).toFixed(3)}×  (goal ≤ 0.20×)${elementParts > 0 ? `; with the lazy element parts ${((coreBytes + elementParts) / amplify).toFixed(3)}×` : ''}`);
console.log(`  PortalKit / Amplify incl. its CSS:  ${(coreBytes / (amplify + amplifyCss)).toFixed(3)}×${elementParts > 0 ? `; with the lazy element parts ${((coreBytes + elementParts) / (amplify + amplifyCss)).toFixed(3)}×` : ''}`);
console.log(`  PortalKit / Supabase Auth UI:      ${(coreBytes / supabase).toFixed(3)}×`);
console.log(`  ≤ 30 KB: ${coreBytes <= 30 * 1024 ? 'yes' : 'NO'}; ≤ 0.2× Amplify: ${coreBytes <= 0.2 * amplify ? 'yes' : 'NO'}`);
if (missing.length > 0) console.log(`  note: not in this build yet: ${missing.join(', ')}`);
