/** Comparison operators of the filter grammar. */
export type ComparisonOperator = 'eq' | 'ne' | 'lt' | 'le' | 'gt' | 'ge';

/** A literal as written: a quoted string, a number, `true`/`false`, or `null`. */
export type FilterLiteral = string | number | boolean | null;

/** `column op literal`. `null` only appears with `eq`/`ne`. */
export interface CompareNode {
  readonly kind: 'compare';
  readonly op: ComparisonOperator;
  readonly column: string;
  readonly value: FilterLiteral;
  /** 1-based character positions of the column name and of the literal, for error messages. */
  readonly position: number;
  readonly valuePosition: number;
}

/** `contains(column, 'text')` / `startswith(column, 'text')`. */
export interface TextMatchNode {
  readonly kind: 'contains' | 'startswith';
  readonly column: string;
  readonly value: string;
  readonly position: number;
  readonly valuePosition: number;
}

export interface AndNode {
  readonly kind: 'and';
  readonly operands: readonly FilterNode[];
}

export interface OrNode {
  readonly kind: 'or';
  readonly operands: readonly FilterNode[];
}

export interface NotNode {
  readonly kind: 'not';
  readonly operand: FilterNode;
}

/** A parsed `filter`. */
export type FilterNode = CompareNode | TextMatchNode | AndNode | OrNode | NotNode;

export const COMPARISON_OPERATORS: ReadonlySet<string> = new Set<ComparisonOperator>(['eq', 'ne', 'lt', 'le', 'gt', 'ge']);
