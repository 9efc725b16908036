/** One comma-separated item of `select` or `orderBy`, trimmed, with its 1-based position (in code points). */
export interface ListItem {
  readonly text: string;
  readonly position: number;
}

const SPACE = /^[ \t\r\n]$/;

/** Splits on commas and trims ASCII whitespace; positions point at the first non-blank character. */
export function commaList(text: string): ListItem[] {
  const chars = Array.from(text);
  const items: ListItem[] = [];
  let start = 0;
  for (let i = 0; i <= chars.length; i += 1) {
    if (i < chars.length && chars[i] !== ',') continue;
    let from = start;
    let to = i;
    while (from < to && SPACE.test(chars[from] as string)) from += 1;
    while (to > from && SPACE.test(chars[to - 1] as string)) to -= 1;
    items.push({ text: chars.slice(from, to).join(''), position: from + 1 });
    start = i + 1;
  }
  return items;
}

/** Length in characters (code points), without building an array for absurdly long input. */
export function exceeds(text: string, max: number): boolean {
  return text.length > max * 2 || Array.from(text).length > max;
}
