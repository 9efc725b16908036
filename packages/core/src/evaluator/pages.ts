import type { PageRuleGrant } from './rights-document.js';

/**
 * Puts a site path in the one form rules are compared in: percent-decoded (before splitting, so an
 * encoded `/` or `\\` is a separator too), `.` and `..` resolved, empty segments dropped, lower case, no
 * trailing slash, no query or fragment. Matching on the normalised form is what stops `/Partners`,
 * `/partners/`, `//partners`, `/x/../partners`, `/%70artners` and `/x%2F..%2Fpartners` from slipping
 * past a rule on `/partners`: a web server that decodes them serves the same page.
 */
export function normalizePagePath(path: string): string {
  const withoutSuffix = path.split(/[?#]/, 1)[0] ?? '';
  const segments: string[] = [];
  for (const raw of percentDecode(withoutSuffix).split(/[/\\]/)) {
    const segment = raw.toLowerCase();
    if (segment === '' || segment === '.') continue;
    if (segment === '..') segments.pop();
    else segments.push(segment);
  }
  return '/' + segments.join('/');
}

/** Decoding rounds: enough for double and triple encoding, bounded so hostile input cannot loop. */
const MAX_DECODE_ROUNDS = 5;

/** Decodes valid `%XX` runs repeatedly until nothing changes; malformed sequences stay as they are. */
function percentDecode(text: string): string {
  let current = text;
  for (let round = 0; round < MAX_DECODE_ROUNDS; round++) {
    const next = current.replace(/(?:%[0-9a-f]{2})+/gi, (run) => {
      try {
        return decodeURIComponent(run);
      } catch {
        return run;
      }
    });
    if (next === current) break;
    current = next;
  }
  return current;
}

/** Whether a rule on `rulePath` covers `path` (itself or a descendant, by whole segments). */
export function pathCovers(rulePath: string, path: string): boolean {
  return coversNormalized(normalizePagePath(rulePath), normalizePagePath(path));
}

function coversNormalized(rule: string, target: string): boolean {
  return rule === '/' || target === rule || target.startsWith(rule + '/');
}

/** The visitor's rights on one page. */
export interface PageDecision {
  readonly read: boolean;
  readonly change: boolean;
}

/**
 * Decides a page from the rules that cover it. A page is readable when the visitor passes every
 * `restrictRead` rule on it and its ancestors (restrictions accumulate down the tree: a child
 * `restrictRead` narrows its parent's, never widens it). A granted `grantChange` rule on the page or an
 * ancestor gives change and read to that whole subtree, overriding every `restrictRead` in it, deeper
 * ones included (DESIGN.md: it "overrides restrictRead on the same subtree").
 */
export function decidePage(rules: readonly PageRuleGrant[], path: string): PageDecision {
  return decideNormalizedPage(
    rules.map((rule) => ({ ...rule, path: normalizePagePath(rule.path) })),
    normalizePagePath(path),
  );
}

/** {@link decidePage} for rules and a target already normalised (the evaluator normalises rules once). */
export function decideNormalizedPage(rules: readonly PageRuleGrant[], target: string): PageDecision {
  const covering = rules.filter((rule) => coversNormalized(rule.path, target));
  const change = covering.some((rule) => rule.right === 'grantChange' && rule.granted);
  const read =
    change || covering.every((rule) => rule.right !== 'restrictRead' || rule.granted);
  return { read, change };
}
