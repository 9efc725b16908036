import type { ConfigIssue } from '@portalkit/core/config';
import { writeLine } from './io.js';

/** Writes configuration issues one per line: `FILE: error $.path: message [code]`. */
export function reportIssues(stream: NodeJS.WritableStream, file: string, issues: readonly ConfigIssue[]): void {
  for (const issue of issues) {
    writeLine(stream, `${file}: ${issue.severity} ${issue.path}: ${issue.message} [${issue.code}]`);
  }
}
