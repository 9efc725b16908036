import { msg, str } from '@lit/localize';

/**
 * What a failure means to the form. Decided from `status` and `code` (what the server sent), not with
 * `instanceof`: a page may load two copies of the SDK (a CDN file and a bundle), and minified builds
 * rename classes.
 */
export type ErrorKind = 'conflict' | 'validation' | 'invalid-credentials' | 'forbidden' | 'rate-limited' | 'network' | 'other';

interface ErrorLike {
  readonly status?: unknown;
  readonly code?: unknown;
  readonly errors?: unknown;
  readonly retryAfterSeconds?: unknown;
}

export function errorKind(error: unknown): ErrorKind {
  const { status, code } = (error ?? {}) as ErrorLike;
  if (code === 'invalid-credentials') return 'invalid-credentials';
  if (status === 412) return 'conflict';
  if (status === 400 || code === 'validation-failed') return 'validation';
  if (status === 401 || status === 403) return 'forbidden';
  if (status === 429) return 'rate-limited';
  if (status === 0 && code === 'network-error') return 'network';
  return 'other';
}

/** A sentence for the visitor about a failure that is not about one field. */
export function failureMessage(error: unknown): string {
  switch (errorKind(error)) {
    case 'network':
      return msg('The server cannot be reached. Check your connection and try again.', { id: 'profile.error.network' });
    case 'forbidden':
      return msg('You are not allowed to make this change.', { id: 'profile.error.forbidden' });
    case 'rate-limited': {
      const seconds = (error as ErrorLike).retryAfterSeconds;
      return typeof seconds === 'number'
        ? msg(str`Too many attempts. Try again in ${seconds} seconds.`, { id: 'profile.error.rate-limited' })
        : msg('Too many attempts. Try again later.', { id: 'profile.error.rate-limited-later' });
    }
    default:
      return msg('Something went wrong. Try again.', { id: 'profile.error.generic' });
  }
}
