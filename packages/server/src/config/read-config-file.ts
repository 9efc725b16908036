import { readFile } from 'node:fs/promises';
import { loadConfig } from '@portalkit/core/config';
import type { ConfigIssue, ConfigLoad } from '@portalkit/core/config';

/** Config files larger than this are refused before parsing: no legitimate portal config comes close. */
const MAX_CONFIG_BYTES = 4 * 1024 * 1024;

/**
 * Reads, parses and validates a `portal.config.json`. File and JSON syntax problems come back as
 * issues at path `$` with the line and column, like every other configuration error.
 */
export async function readConfigFile(file: string): Promise<ConfigLoad> {
  let text: string;
  try {
    const bytes = await readFile(file);
    if (bytes.byteLength > MAX_CONFIG_BYTES) {
      return failure('file-too-large', `The file is ${bytes.byteLength} bytes; a configuration may be at most ${MAX_CONFIG_BYTES}.`);
    }
    text = bytes.toString('utf8');
  } catch (error) {
    return failure('unreadable-file', `Cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}.`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    return failure('invalid-json', `The file is not valid JSON: ${describeJsonError(text, error)}.`);
  }
  return loadConfig(parsed);
}

function failure(code: string, message: string): ConfigLoad {
  const issue: ConfigIssue = { path: '$', code, message, severity: 'error' };
  return { ok: false, errors: [issue], warnings: [] };
}

/** Turns V8's "at position N" into a line and column a person can jump to. */
function describeJsonError(text: string, error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const position = /position (\d+)/.exec(message)?.[1];
  if (position === undefined) return message;
  const before = text.slice(0, Number(position));
  const line = before.split('\n').length;
  const column = Number(position) - before.lastIndexOf('\n');
  return `${message.replace(/ in JSON at position \d+.*$/, '')} at line ${line}, column ${column}`;
}
