import { QueryLanguageError, quote } from './errors.js';
import { FILTER_MAX_STRING_LENGTH } from './limits.js';

/** A token of the filter grammar. Positions are 1-based, in characters (code points). */
export type Token =
  | { readonly kind: 'word'; readonly text: string; readonly position: number }
  | { readonly kind: 'string'; readonly value: string; readonly position: number }
  | { readonly kind: 'number'; readonly value: number; readonly text: string; readonly position: number }
  | { readonly kind: '(' | ')' | ','; readonly position: number }
  | { readonly kind: 'end'; readonly position: number };

const WHITESPACE = new Set([' ', '\t', '\n', '\r']);
const WORD_START = /^[A-Za-z_]$/;
const WORD_PART = /^[A-Za-z0-9_]$/;
const DIGIT = /^[0-9]$/;
const LONE_SURROGATE = /^[\uD800-\uDFFF]$/;

function syntax(message: string, position: number): QueryLanguageError {
  return new QueryLanguageError('filter-syntax', 'filter', message, position);
}

/**
 * Splits a filter into tokens. Only ASCII letters, digits, `_`, `-`, `.`, `'`, parentheses, commas
 * and ASCII whitespace are grammar; anything else outside a quoted string (a `;`, a `"`, a comment
 * marker, a look-alike letter from another script) is refused where it stands.
 */
export function tokenize(text: string): Token[] {
  const chars = Array.from(text);
  const tokens: Token[] = [];
  let i = 0;
  while (i < chars.length) {
    const char = chars[i] as string;
    const position = i + 1;
    if (WHITESPACE.has(char)) {
      i += 1;
    } else if (char === '(' || char === ')' || char === ',') {
      tokens.push({ kind: char, position });
      i += 1;
    } else if (char === "'") {
      let value = '';
      let length = 0;
      i += 1;
      for (;;) {
        if (i >= chars.length) throw syntax(`The string starting at character ${position} is not closed with a quote.`, position);
        const inner = chars[i] as string;
        if (inner === "'") {
          if (chars[i + 1] === "'") {
            value += "'";
            i += 2;
          } else {
            i += 1;
            break;
          }
        } else {
          if (inner === '\u0000' || LONE_SURROGATE.test(inner)) throw syntax(`The string starting at character ${position} contains a character that is not allowed (at character ${i + 1}).`, i + 1);
          value += inner;
          i += 1;
        }
        length += 1;
        if (length > FILTER_MAX_STRING_LENGTH) {
          throw new QueryLanguageError(
            'filter-string-too-long',
            'filter',
            `The string starting at character ${position} is longer than ${FILTER_MAX_STRING_LENGTH} characters.`,
            position,
          );
        }
      }
      tokens.push({ kind: 'string', value, position });
    } else if (DIGIT.test(char) || (char === '-' && DIGIT.test(chars[i + 1] ?? ''))) {
      let end = i + 1;
      while (DIGIT.test(chars[end] ?? '')) end += 1;
      if (chars[end] === '.' && DIGIT.test(chars[end + 1] ?? '')) {
        end += 2;
        while (DIGIT.test(chars[end] ?? '')) end += 1;
      }
      const next = chars[end];
      if (next !== undefined && (WORD_PART.test(next) || next === '.')) {
        throw syntax(`The number at character ${position} is not written correctly (write numbers like 42, -7 or 3.25).`, position);
      }
      const numberText = chars.slice(i, end).join('');
      const value = Number(numberText);
      if (!Number.isFinite(value)) throw syntax(`The number at character ${position} is too large.`, position);
      tokens.push({ kind: 'number', value: Object.is(value, -0) ? 0 : value, text: numberText, position });
      i = end;
    } else if (WORD_START.test(char)) {
      let end = i + 1;
      while (WORD_PART.test(chars[end] ?? '')) end += 1;
      tokens.push({ kind: 'word', text: chars.slice(i, end).join(''), position });
      i = end;
    } else {
      const codePoint = `U+${(char.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;
      // The code point tells a look-alike (Cyrillic "і", a no-break space) from the character it imitates.
      const shown = char === '\u0000' || LONE_SURROGATE.test(char) ? `a character that is not allowed (${codePoint})` : `the character ${quote(char)} (${codePoint})`;
      throw syntax(`The filter has ${shown} at character ${position}, where it is not allowed.`, position);
    }
  }
  tokens.push({ kind: 'end', position: chars.length + 1 });
  return tokens;
}
