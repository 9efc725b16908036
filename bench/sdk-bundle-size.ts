/**
 * SDK bundle sizes (min+gzip), against the identity libraries a site would otherwise load, all bundled
 * the same way in this run (rollup + node-resolve `browser` + terser, ESM):
 * - SDK core: the CDN entry `portalkit-sdk.js` and every chunk it loads statically (no adapters);
 * - the external flow chunk, and each adapter chunk including its library;
 * - anchors: oidc-client-ts `UserManager`, @azure/msal-browser `PublicClientApplication`,
 *   @auth0/auth0-spa-js `createAuth0Client`.
 * Goal: core ≤ 8 KB and ≤ 0.5× oidc-client-ts. Also FAILS (exit 1) when the core chunk contains any
 * module of oidc-client-ts or MSAL. Run after `npm run build`: `node --import tsx bench/sdk-bundle-size.ts`.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { rollup } from 'rollup';
import type { OutputChunk, RollupOptions } from 'rollup';
// @ts-expect-error -- the rollup config is plain JS without declarations.
import { bundle, sdkCdn } from '../rollup.config.mjs';

const LIBRARY = /[\\/]node_modules[\\/](oidc-client-ts|@azure[\\/]msal-)/;
const gz = (code: string): number => gzipSync(code, { level: 9 }).length;
const kb = (bytes: number): string => `${(bytes / 1024).toFixed(2)} KB`;

async function chunksOf(options: RollupOptions): Promise<OutputChunk[]> {
  const build = await rollup({ ...options, onwarn: () => undefined });
  const { output } = await build.generate({ ...(options.output as object), sourcemap: false });
  await build.close();
  return output.filter((item): item is OutputChunk => item.type === 'chunk');
}

/** `import { name } from pkg` re-exported, bundled like the SDK. */
async function anchor(dir: string, pkg: string, name: string): Promise<number> {
  const entry = join(dir, `${name}.mjs`);
  await writeFile(entry, `export { ${name} } from '${pkg}';\n`);
  // The same plugins as the SDK's CDN build (the temp dir is under node_modules, so packages resolve).
  const options = bundle(entry, join(dir, 'out.js')) as RollupOptions;
  const [chunk] = await chunksOf({ ...options, output: { format: 'es', inlineDynamicImports: true } });
  return gz(chunk!.code);
}

const chunks = await chunksOf(sdkCdn as RollupOptions);
const byName = (prefix: string): OutputChunk[] => chunks.filter((chunk) => chunk.fileName.startsWith(prefix) || chunk.fileName.startsWith(`chunks/${prefix}`));
const entry = chunks.find((chunk) => chunk.fileName === 'portalkit-sdk.js');
if (!entry) throw new Error('no portalkit-sdk.js chunk');
// Core = the entry plus its static imports (what a page downloads before any sign-in with a provider).
const core = new Set<OutputChunk>([entry]);
for (const chunk of core) for (const imported of chunk.imports) core.add(chunks.find((candidate) => candidate.fileName === imported)!);
const coreBytes = [...core].reduce((sum, chunk) => sum + gz(chunk.code), 0);
const leaked = [...core].flatMap((chunk) => Object.keys(chunk.modules).filter((id) => LIBRARY.test(id)));
const flow = byName('portalkit-sdk-external.js')[0];
const oidcChunk = byName('adapter-oidc')[0];
const entraChunk = byName('adapter-entra')[0];

const dir = await mkdtemp(join(process.cwd(), 'node_modules', '.sdk-bundle-size-'));
let oidcLib: number, msalLib: number, auth0Lib: number;
try {
  oidcLib = await anchor(dir, 'oidc-client-ts', 'UserManager');
  msalLib = await anchor(dir, '@azure/msal-browser', 'PublicClientApplication');
  auth0Lib = await anchor(dir, '@auth0/auth0-spa-js', 'createAuth0Client');
} finally {
  await rm(dir, { recursive: true, force: true });
}

const rows: [string, number][] = [
  ['SDK core (portalkit-sdk.js + static chunks, no adapters)', coreBytes],
  ['external flow chunk (loaded on signInWith)', flow ? gz(flow.code) : 0],
  ['adapter oidc chunk (incl. oidc-client-ts)', oidcChunk ? gz(oidcChunk.code) : 0],
  ['adapter entra chunk (incl. @azure/msal-browser)', entraChunk ? gz(entraChunk.code) : 0],
  ['anchor: oidc-client-ts UserManager', oidcLib],
  ['anchor: @azure/msal-browser PublicClientApplication', msalLib],
  ['anchor: @auth0/auth0-spa-js createAuth0Client', auth0Lib],
];
console.log('SDK bundle sizes, min+gzip (rollup + node-resolve browser + terser, gzip -9)');
for (const [label, bytes] of rows) console.log(`  ${label.padEnd(58)} ${String(bytes).padStart(8)} B  ${kb(bytes).padStart(10)}`);
console.log(`  core / oidc-client-ts UserManager:   ${(coreBytes / oidcLib).toFixed(2)}×  (goal ≤ 0.50×)`);
console.log(`  core / msal PublicClientApplication: ${(coreBytes / msalLib).toFixed(2)}×`);
console.log(`  core / auth0 createAuth0Client:      ${(coreBytes / auth0Lib).toFixed(2)}×`);
console.log(`  core ≤ 8 KB: ${coreBytes <= 8 * 1024 ? 'yes' : 'NO'}; core ≤ 0.5× oidc-client-ts: ${coreBytes <= 0.5 * oidcLib ? 'yes' : 'NO'}`);
if (leaked.length > 0) {
  console.error(`FAIL: the core chunk contains adapter library code:\n  ${leaked.join('\n  ')}`);
  process.exitCode = 1;
} else {
  console.log('  core contains no oidc-client-ts / MSAL module: yes');
}
