/**
 * The server a client talks to: the `server` option, else the page's
 * `<meta name="portalkit-server" content="…">`. Either may be relative to the page (`/` when the
 * companion server serves the page itself). Neither is an error that says what to do.
 */
export function resolveServer(option: string | undefined): string {
  const meta = typeof document === 'undefined' ? null : document.querySelector('meta[name="portalkit-server"]');
  const value = option !== undefined && option !== '' ? option : meta?.getAttribute('content')?.trim();
  if (value) return absolute(value);
  throw new TypeError(
    'createPortalClient: no server. Pass { server: "https://portal.example.com" } or add <meta name="portalkit-server" content="https://portal.example.com"> to the page.',
  );
}

/** Resolves a relative server URL against the page; absolute ones (and anything off a page) stay as given. */
function absolute(value: string): string {
  if (typeof document === 'undefined' || /^[a-z][a-z\d+.-]*:/i.test(value)) return value;
  try {
    return new URL(value, document.baseURI).href;
  } catch {
    return value;
  }
}
