import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';

/** A child process that printed the URL it listens on. */
export interface Listening {
  readonly url: string;
  readonly child: ChildProcess;
  stop(): Promise<void>;
}

/** Spawns `node args…` and waits for a line containing `listening on URL` (case-insensitive). */
export function spawnListening(args: readonly string[], options: { cwd?: string; timeoutMs?: number } = {}): Promise<Listening> {
  const child = spawn(process.execPath, args, { cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`No "listening on" line within ${options.timeoutMs ?? 15000} ms:\n${output}`));
    }, options.timeoutMs ?? 15000);
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      const match = /listening on (\S+)/i.exec(output);
      if (match) {
        clearTimeout(timer);
        child.stdout?.off('data', onData);
        resolve({
          url: match[1]!,
          child,
          stop: () =>
            new Promise<void>((done) => {
              if (child.exitCode !== null) return done();
              child.once('exit', () => done());
              child.kill('SIGTERM');
            }),
        });
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`Exited with ${code} before listening:\n${output}`));
    });
  });
}

/** Runs `node args…` to completion with `input` on stdin; rejects on a non-zero exit. */
export function runNode(args: readonly string[], input = ''): Promise<string> {
  const child = spawn(process.execPath, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stdin.end(input);
  return new Promise((resolve, reject) =>
    child.once('exit', (code) => (code === 0 ? resolve(output) : reject(new Error(`node ${args.join(' ')} exited ${code}:\n${output}`)))),
  );
}
