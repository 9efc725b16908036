import type { ComparisonOperator, FilterLiteral, FilterNode } from './ast.js';
import { COMPARISON_OPERATORS } from './ast.js';
import { COLUMN_NAME } from './columns.js';
import { QueryLanguageError, quote } from './errors.js';
import { tokenize } from './lexer.js';
import type { Token } from './lexer.js';
import { FILTER_MAX_DEPTH, FILTER_MAX_LENGTH, FILTER_MAX_TERMS } from './limits.js';

/**
 * Parses a `filter` into its AST.
 *
 * Grammar (keywords case-insensitive; precedence `not` > `and` > `or`):
 * ```
 * filter  := or
 * or      := and ('or' and)*
 * and     := unary ('and' unary)*
 * unary   := 'not' unary | primary
 * primary := '(' or ')' | ('contains' | 'startswith') '(' column ',' string ')' | column op literal
 * op      := 'eq' | 'ne' | 'lt' | 'le' | 'gt' | 'ge'
 * literal := string | number | 'true' | 'false' | 'null'
 * ```
 * Keywords are contextual, so a column may be called `not` or `contains`: a word is a keyword only
 * where the grammar expects one (`not` followed by a comparison operator is a column).
 *
 * Limits: {@link FILTER_MAX_LENGTH} characters, {@link FILTER_MAX_DEPTH} nested parentheses or `not`s,
 * {@link FILTER_MAX_TERMS} comparisons and calls. Any violation throws {@link QueryLanguageError}.
 */
export function parseFilter(text: string): FilterNode {
  if (text.length > FILTER_MAX_LENGTH * 2 || Array.from(text).length > FILTER_MAX_LENGTH) {
    throw new QueryLanguageError('filter-too-long', 'filter', `The filter is longer than ${FILTER_MAX_LENGTH} characters.`);
  }
  const tokens = tokenize(text);
  if (tokens.length === 1) throw new QueryLanguageError('filter-syntax', 'filter', 'The filter is empty.', 1);
  return new Parser(tokens).parse();
}

function describe(token: Token): string {
  switch (token.kind) {
    case 'word':
      return quote(token.text);
    case 'string':
      return 'a quoted string';
    case 'number':
      return `the number ${token.text.slice(0, 20)}`;
    case 'end':
      return 'the end of the filter';
    default:
      return `"${token.kind}"`;
  }
}

class Parser {
  private index = 0;
  private depth = 0;
  private terms = 0;

  constructor(private readonly tokens: readonly Token[]) {}

  parse(): FilterNode {
    const node = this.or();
    const rest = this.peek();
    if (rest.kind !== 'end') {
      throw this.syntax(`Expected "and", "or" or the end of the filter at character ${rest.position}, but found ${describe(rest)}.`, rest);
    }
    return node;
  }

  private peek(offset = 0): Token {
    return this.tokens[Math.min(this.index + offset, this.tokens.length - 1)] as Token;
  }

  private next(): Token {
    const token = this.peek();
    if (token.kind !== 'end') this.index += 1;
    return token;
  }

  private isKeyword(token: Token, keyword: string): boolean {
    return token.kind === 'word' && token.text.toLowerCase() === keyword;
  }

  private syntax(message: string, token: Token): QueryLanguageError {
    return new QueryLanguageError('filter-syntax', 'filter', message, token.position);
  }

  private or(): FilterNode {
    const operands = [this.and()];
    while (this.isKeyword(this.peek(), 'or')) {
      this.next();
      operands.push(this.and());
    }
    return operands.length === 1 ? (operands[0] as FilterNode) : { kind: 'or', operands };
  }

  private and(): FilterNode {
    const operands = [this.unary()];
    while (this.isKeyword(this.peek(), 'and')) {
      this.next();
      operands.push(this.unary());
    }
    return operands.length === 1 ? (operands[0] as FilterNode) : { kind: 'and', operands };
  }

  private unary(): FilterNode {
    const token = this.peek();
    const following = this.peek(1);
    if (this.isKeyword(token, 'not') && !(following.kind === 'word' && COMPARISON_OPERATORS.has(following.text.toLowerCase()))) {
      this.next();
      this.enter(token);
      const operand = this.unary();
      this.depth -= 1;
      return { kind: 'not', operand };
    }
    return this.primary();
  }

  /** Counts one level of nesting; the limit also bounds this parser's recursion. */
  private enter(token: Token): void {
    this.depth += 1;
    if (this.depth > FILTER_MAX_DEPTH) {
      throw new QueryLanguageError(
        'filter-too-deep',
        'filter',
        `The filter nests parentheses and "not" more than ${FILTER_MAX_DEPTH} levels deep (at character ${token.position}).`,
        token.position,
      );
    }
  }

  private countTerm(token: Token): void {
    this.terms += 1;
    if (this.terms > FILTER_MAX_TERMS) {
      throw new QueryLanguageError(
        'filter-too-complex',
        'filter',
        `The filter has more than ${FILTER_MAX_TERMS} comparisons (the one at character ${token.position} is one too many).`,
        token.position,
      );
    }
  }

  private primary(): FilterNode {
    const token = this.peek();
    if (token.kind === '(') {
      this.next();
      this.enter(token);
      const inner = this.or();
      this.depth -= 1;
      this.expect(')', `Expected ")" to close the parenthesis opened at character ${token.position}`);
      return inner;
    }
    if (token.kind !== 'word') {
      throw this.syntax(`Expected a column name, "not", "contains", "startswith" or "(" at character ${token.position}, but found ${describe(token)}.`, token);
    }
    const keyword = token.text.toLowerCase();
    if ((keyword === 'contains' || keyword === 'startswith') && this.peek(1).kind === '(') {
      this.countTerm(token);
      this.next();
      this.next();
      const column = this.column();
      this.expect(',', `Expected "," after the column name in ${keyword}(…)`);
      const valueToken = this.next();
      if (valueToken.kind !== 'string') {
        throw this.syntax(`${keyword}(…) takes a quoted string as its second argument (at character ${valueToken.position}).`, valueToken);
      }
      this.expect(')', `Expected ")" to close ${keyword}(…)`);
      return { kind: keyword, column: column.name, value: valueToken.value, position: column.position, valuePosition: valueToken.position };
    }
    this.countTerm(token);
    const column = this.column();
    const opToken = this.next();
    const op = opToken.kind === 'word' ? opToken.text.toLowerCase() : '';
    if (!COMPARISON_OPERATORS.has(op)) {
      throw this.syntax(`Expected eq, ne, lt, le, gt or ge after the column name at character ${opToken.position}, but found ${describe(opToken)}.`, opToken);
    }
    const valueToken = this.next();
    const value = this.literal(valueToken);
    if (value === null && op !== 'eq' && op !== 'ne') {
      throw new QueryLanguageError(
        'filter-unsupported-operator',
        'filter',
        `null can only be compared with eq or ne (at character ${valueToken.position}).`,
        valueToken.position,
      );
    }
    return { kind: 'compare', op: op as ComparisonOperator, column: column.name, value, position: column.position, valuePosition: valueToken.position };
  }

  private column(): { name: string; position: number } {
    const token = this.next();
    if (token.kind !== 'word') throw this.syntax(`Expected a column name at character ${token.position}, but found ${describe(token)}.`, token);
    if (!COLUMN_NAME.test(token.text)) {
      throw this.syntax(`${quote(token.text)} at character ${token.position} is not a column name (column names are lowercase letters, digits and "_").`, token);
    }
    return { name: token.text, position: token.position };
  }

  private literal(token: Token): FilterLiteral {
    if (token.kind === 'string' || token.kind === 'number') return token.value;
    if (token.kind === 'word') {
      const word = token.text.toLowerCase();
      if (word === 'true') return true;
      if (word === 'false') return false;
      if (word === 'null') return null;
    }
    throw this.syntax(
      `Expected a value (a quoted string, a number, true, false or null) at character ${token.position}, but found ${describe(token)}.`,
      token,
    );
  }

  private expect(kind: ')' | ',', message: string): void {
    const token = this.next();
    if (token.kind !== kind) throw this.syntax(`${message} at character ${token.position}, but found ${describe(token)}.`, token);
  }
}
