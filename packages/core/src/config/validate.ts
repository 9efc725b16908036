/**
 * Validation of `portal.config.json`: the JSON Schema first, then every cross-reference and security
 * rule, each problem reported once with its exact JSON path.
 * @packageDocumentation
 */
import { isAtOrBelow } from './json-path.js';
import { semanticIssues } from './semantic.js';
import { structuralIssues } from './structural.js';

/** One problem found in a configuration. */
export interface ConfigIssue {
  /** Where: a JSON path such as `$.tablePermissions[2].contactColumn` or `$.tables["weird key"]`. */
  path: string;
  /** One plain English sentence naming the offending value and what is expected instead. */
  message: string;
  /** A stable kebab-case id for the kind of problem (`unknown-role`, `parent-cycle`, …). */
  code: string;
  /** Errors make a configuration unusable; warnings point at something that is legal but likely a mistake. */
  severity: 'error' | 'warning';
}

/** The outcome of {@link validateConfig}. */
export interface ConfigValidation {
  /** True when there is no error (warnings allowed). */
  valid: boolean;
  errors: ConfigIssue[];
  warnings: ConfigIssue[];
}

/**
 * Validates a parsed `portal.config.json` and reports every problem, not just the first. Never throws,
 * whatever `input` is.
 *
 * @example
 * ```ts
 * const result = validateConfig(JSON.parse(text));
 * for (const error of result.errors) console.error(`${error.path}: ${error.message}`);
 * ```
 */
export function validateConfig(input: unknown): ConfigValidation {
  const structural = structuralIssues(input);
  const rejected = structural.map((issue) => issue.path);
  const unsound = (path: string): boolean => rejected.some((ancestor) => isAtOrBelow(path, ancestor));
  // A value the schema already rejected would only collect a second, derived complaint.
  const semantic = semanticIssues(input, unsound).filter((issue) => !unsound(issue.path));
  const issues = [...structural, ...semantic];
  const errors = issues.filter((issue) => issue.severity === 'error');
  const warnings = issues.filter((issue) => issue.severity === 'warning');
  return { valid: errors.length === 0, errors, warnings };
}
