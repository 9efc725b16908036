/** Where a command reads and writes; the bin passes the process's streams, tests may pass their own. */
export interface CliIo {
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
  readonly stdin: NodeJS.ReadableStream;
}

/** A command's result: the process exit code (0 success, 1 failure). */
export type ExitCode = 0 | 1;

/** A usage mistake: reported with the command's usage and exit code 1. */
export class UsageError extends Error {
  override name = 'UsageError';
}

export function writeLine(stream: NodeJS.WritableStream, line = ''): void {
  stream.write(line + '\n');
}
