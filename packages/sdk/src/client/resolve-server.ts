/**
 * The server a client talks to: the `server` option, else the page's
 * `<meta name="portalkit-server" content="https://…">`. Neither is an error that says what to do.
 */
export function resolveServer(option: string | undefined): string {
  if (option !== undefined && option !== '') return option;
  const meta = typeof document === 'undefined' ? null : document.querySelector('meta[name="portalkit-server"]');
  const content = meta?.getAttribute('content')?.trim();
  if (content) return content;
  throw new TypeError(
    'createPortalClient: no server. Pass { server: "https://portal.example.com" } or add <meta name="portalkit-server" content="https://portal.example.com"> to the page.',
  );
}
