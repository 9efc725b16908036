import { execFile } from 'node:child_process';
import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEMO_CONFIG_FILE } from './portal-server.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const bin = join(root, 'packages/server/bin/portalkit.js');

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  /** `Date.now()` when the process was spawned and when it exited. */
  readonly startedAt: number;
  readonly endedAt: number;
}

/** Runs the real `portalkit` bin as a child process (no shell: arguments pass as they are). */
export function runPortalkit(args: readonly string[], options: { stdin?: string } = {}): Promise<CliRun> {
  return new Promise((resolve) => {
    const startedAt = Date.now();
    const child = execFile(process.execPath, [bin, ...args], { cwd: root, timeout: 20_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, stdout, stderr, startedAt, endedAt: Date.now() });
    });
    child.stdin?.end(options.stdin ?? '');
  });
}

/** A temporary copy of the demo configuration, as an operator's own file would be. */
export async function demoConfigCopy(): Promise<{ readonly file: string; remove(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'portalkit-config-'));
  const file = join(dir, 'portal.config.json');
  await copyFile(DEMO_CONFIG_FILE, file);
  return { file, remove: () => rm(dir, { recursive: true, force: true }) };
}
