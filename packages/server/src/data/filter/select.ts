import { COLUMN_NAME, readableColumn } from './columns.js';
import type { QueryContext } from './columns.js';
import { QueryLanguageError, quote } from './errors.js';
import { SELECT_MAX_LENGTH } from './limits.js';
import { commaList, exceeds } from './list.js';

/**
 * Parses `select` (`title, status`): the columns to return, deduplicated, with `id` first whether or
 * not it was asked for. Every name must be a column the visitor can read; a hidden column gets the
 * same `unknown-column` error as one that does not exist.
 */
export function parseSelect(text: string, context: QueryContext): string[] {
  if (exceeds(text, SELECT_MAX_LENGTH)) {
    throw new QueryLanguageError('select-too-long', 'select', `select is longer than ${SELECT_MAX_LENGTH} characters.`);
  }
  const columns = new Set<string>(['id']);
  for (const item of commaList(text)) {
    if (item.text === '') {
      throw new QueryLanguageError('select-syntax', 'select', `Expected a column name at character ${item.position} of select.`, item.position);
    }
    if (!COLUMN_NAME.test(item.text)) {
      throw new QueryLanguageError(
        'select-syntax',
        'select',
        `${quote(item.text)} at character ${item.position} of select is not a column name (column names are lowercase letters, digits and "_").`,
        item.position,
      );
    }
    if (!readableColumn(context, item.text)) {
      throw new QueryLanguageError('unknown-column', 'select', `${quote(item.text)} at character ${item.position} is not a column you can select.`, item.position);
    }
    columns.add(item.text);
  }
  return [...columns];
}
