/** Longest `filter`, in characters (code points). */
export const FILTER_MAX_LENGTH = 2000;
/** Deepest nesting of parentheses and `not`s in a `filter`. */
export const FILTER_MAX_DEPTH = 10;
/** Most comparisons and function calls in one `filter`. */
export const FILTER_MAX_TERMS = 50;
/** Longest quoted string in a `filter`, in characters, after `''` is unescaped. */
export const FILTER_MAX_STRING_LENGTH = 500;
/** Longest `search`, in characters. */
export const SEARCH_MAX_LENGTH = 200;
/** Longest `select`, in characters. */
export const SELECT_MAX_LENGTH = 2000;
/** Longest `orderBy`, in characters. */
export const ORDER_BY_MAX_LENGTH = 300;
/** Most sort keys a visitor may give (the `id` tie-breaker the server adds does not count). */
export const ORDER_BY_MAX_KEYS = 3;
/** Longest cursor accepted (and produced). */
export const CURSOR_MAX_LENGTH = 2000;
/** Page size when `top` is absent. */
export const TOP_DEFAULT = 50;
/** Largest page. */
export const TOP_MAX = 500;
