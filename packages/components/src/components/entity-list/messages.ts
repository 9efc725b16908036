import { msg } from '@lit/localize';
import { failureStatus, fieldProblems } from '../../internal/request-failure.js';

/** What went wrong, for the visitor: by HTTP status, never the server's own text for a list. */
export function errorMessage(error: unknown, context: 'list' | 'write'): string {
  const status = failureStatus(error);
  if (status === 0) return msg('The server cannot be reached. Check your connection and try again.', { id: 'entity-list.error.network' });
  if (status === 404) {
    return context === 'list'
      ? msg('This table does not exist, or you cannot see it.', { id: 'entity-list.error.not-found' })
      : msg('This row no longer exists, or you cannot see it.', { id: 'entity-list.error.row-not-found' });
  }
  if (status === 401 || status === 403) return msg('You are not allowed to do this.', { id: 'entity-list.error.forbidden' });
  if (status === 409) return msg('The row is in use by other rows.', { id: 'entity-list.error.conflict' });
  if (status === 429) return msg('Too many requests. Wait a moment and try again.', { id: 'entity-list.error.rate-limited' });
  return context === 'list'
    ? msg('The rows could not be loaded.', { id: 'entity-list.error.list' })
    : msg('The change could not be saved.', { id: 'entity-list.error.write' });
}

/** Messages for a failed write: the server's field messages when it gave some, else one by status. */
export function writeErrorMessages(error: unknown): string[] {
  const problems = fieldProblems(error);
  if (problems.length > 0) return problems.map((problem) => `${problem.path.replace(/^\//, '')}: ${problem.message}`);
  return [errorMessage(error, 'write')];
}
