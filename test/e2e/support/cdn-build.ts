/**
 * The CDN build (`dist/portalkit.js` + `dist/chunks/`) for end-to-end tests of the demo pages. Uses the
 * root `dist/` when `npm run build` made it after the last compile of the components and the SDK;
 * otherwise (a fresh clone under `npm test`, or stale output) bundles it into a temporary directory
 * with the project's own rollup configuration, so the test always runs today's code.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

async function newestMtime(dir: string): Promise<number> {
  let newest = 0;
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.js')) continue;
    newest = Math.max(newest, (await stat(join(entry.parentPath ?? (entry as unknown as { path: string }).path, entry.name))).mtimeMs);
  }
  return newest;
}

export interface CdnBuild {
  readonly dir: string;
  /** Whether it was bundled now (into a temporary directory) rather than taken from `dist/`. */
  readonly fresh: boolean;
}

export async function cdnBuild(): Promise<CdnBuild> {
  const entry = join(ROOT, 'packages/components/dist/portalkit.js');
  if (!(await stat(entry).catch(() => undefined))) {
    await promisify(execFile)(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-b'], { cwd: ROOT, timeout: 300_000 });
  }
  const built = await stat(join(ROOT, 'dist/portalkit.js')).catch(() => undefined);
  if (built) {
    const inputs = Math.max(await newestMtime(join(ROOT, 'packages/components/dist')), await newestMtime(join(ROOT, 'packages/sdk/dist')));
    if (built.mtimeMs >= inputs) return { dir: join(ROOT, 'dist'), fresh: false };
  }
  const dir = await mkdtemp(join(tmpdir(), 'portalkit-cdn-'));
  // Not typed (a plain .mjs): imported by URL so the test's tsconfig does not need declarations for it.
  const { rollup } = (await import('rollup')) as typeof import('rollup');
  const config = (await import(pathToFileURL(join(ROOT, 'rollup.config.mjs')).href)) as { portalkitCdn: import('rollup').RollupOptions & { output: import('rollup').OutputOptions } };
  // Its inputs are relative to the repository root: made absolute, so the cwd does not matter.
  const input = Object.fromEntries(Object.entries(config.portalkitCdn.input as Record<string, string>).map(([name, file]) => [name, join(ROOT, file)]));
  const bundle = await rollup({ ...config.portalkitCdn, input, onwarn: () => undefined });
  try {
    await bundle.write({ ...config.portalkitCdn.output, dir });
  } finally {
    await bundle.close();
  }
  return { dir, fresh: true };
}
