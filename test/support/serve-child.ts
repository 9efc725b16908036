import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { TestStorage } from './test-database.js';

const bin = fileURLToPath(new URL('../../packages/server/bin/portalkit.js', import.meta.url));

export interface ServedChild {
  readonly child: ChildProcess;
  readonly url: string;
  output(): string;
  /** Resolves once the process has exited (at once if it already has). */
  exited(): Promise<void>;
}

/** `portalkit serve` as a child process on a free port over `storage`; resolves once it prints its URL. */
export async function serveChild(configFile: string, storage: TestStorage): Promise<ServedChild> {
  const child = spawn(process.execPath, [bin, 'serve', '--config', configFile, ...storage.cliArgs, '--port', '0', '--quiet'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = (): Promise<void> =>
    child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((resolve) => child.once('exit', () => resolve()));
  const deadline = Date.now() + 15_000;
  while (!/PortalKit listening on (\S+)/.test(output)) {
    if (Date.now() > deadline || child.exitCode !== null || child.signalCode !== null) {
      child.kill('SIGKILL');
      throw new Error(`serve did not start:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return { child, url: /PortalKit listening on (\S+)/.exec(output)![1]!, output: () => output, exited };
}
