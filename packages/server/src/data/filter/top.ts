import { QueryLanguageError } from './errors.js';
import { TOP_DEFAULT, TOP_MAX } from './limits.js';

/**
 * The page size from `top`: {@link TOP_DEFAULT} when absent, else a whole number from 1 to
 * {@link TOP_MAX} written in plain digits (no sign, exponent, spaces or fraction); otherwise `invalid-top`.
 */
export function parseTop(value: string | number | undefined): number {
  if (value === undefined) return TOP_DEFAULT;
  const top = typeof value === 'number' ? value : /^[0-9]{1,10}$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isInteger(top) || top < 1 || top > TOP_MAX) {
    throw new QueryLanguageError('invalid-top', 'top', `top must be a whole number from 1 to ${TOP_MAX}.`);
  }
  return top;
}
