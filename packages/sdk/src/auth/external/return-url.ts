import { UnsafeReturnUrlError } from './errors.js';

/** Percent-decoding rounds before giving up: more layers than this is an attack, not a URL. */
const MAX_DECODE_ROUNDS = 3;

/**
 * Returns `candidate` as a path on `origin` (`/path?query#hash`), or throws {@link UnsafeReturnUrlError}.
 *
 * Accepted: a path starting with one `/`, or an absolute http(s) URL on exactly `origin` (reduced to its
 * path). Refused, because some browser or server would read them as another site: protocol-relative
 * `//evil`, backslashes anywhere (`/\evil`, `\\evil`: browsers treat `\` as `/`), schemes (`https:evil`,
 * `javascript:`, `data:`), control characters and whitespace (`/\t/evil` — URL parsers drop tabs and
 * newlines, turning it into `//evil`), and any of these hidden behind percent-encoding (`/%2F%2Fevil`,
 * `/%5Cevil`), which a router or server may decode once more before redirecting. Pure: no I/O.
 */
export function safeReturnPath(candidate: string, origin: string): string {
  const refuse = (): never => {
    throw new UnsafeReturnUrlError(candidate);
  };
  if (typeof candidate !== 'string' || candidate.length === 0 || candidate.length > 2048) refuse();
  const site = new URL(origin);
  let path = candidate;
  if (!path.startsWith('/')) {
    // Only a same-origin absolute http(s) URL may be given instead of a path.
    if (!/^https?:\/\//i.test(path) || hasForbiddenCharacters(path)) refuse();
    let absolute: URL;
    try {
      absolute = new URL(path);
    } catch {
      return refuse();
    }
    if (absolute.origin !== site.origin || absolute.username !== '' || absolute.password !== '') refuse();
    path = `${absolute.pathname}${absolute.search}${absolute.hash}`;
  }
  if (!isPlainPath(path) || hasForbiddenCharacters(path)) refuse();
  // Check the path as every later decoding layer would read it (a decoded space is harmless; a decoded
  // slash, backslash or control character at the wrong place is not).
  let layer = path;
  for (let round = 0; round <= MAX_DECODE_ROUNDS; round += 1) {
    if (!isPlainPath(layer) || /[\u0000-\u001f\u007f\\]/.test(layer)) refuse();
    let decoded: string;
    try {
      decoded = decodeURIComponent(layer);
    } catch {
      return refuse(); // malformed percent-encoding: nobody can say where it leads
    }
    if (decoded === layer) break;
    if (round === MAX_DECODE_ROUNDS) refuse();
    layer = decoded;
  }
  // Belt and braces: whatever the checks above missed, the browser's own parser must agree it stays here.
  const resolved = new URL(path, site);
  if (resolved.origin !== site.origin) refuse();
  return `${resolved.pathname}${resolved.search}${resolved.hash}`;
}

/** Like {@link safeReturnPath}, but answers `false` instead of throwing. */
export function isSafeReturnPath(candidate: string, origin: string): boolean {
  try {
    safeReturnPath(candidate, origin);
    return true;
  } catch {
    return false;
  }
}

/** One leading slash and no second one (or a backslash) right after it. */
function isPlainPath(path: string): boolean {
  return path.startsWith('/') && !path.startsWith('//') && !path.startsWith('/\\');
}

function hasForbiddenCharacters(text: string): boolean {
  // C0 controls, space, DEL, C1 controls, backslash, and Unicode whitespace / line and paragraph separators.
  return /[\u0000-\u0020\u007f-\u009f\\\u00a0\u1680\u2000-\u200b\u2028\u2029\u202f\u205f\u3000\ufeff]/.test(text);
}
