import { createPortalClient } from '@portalkit/sdk';
import type { PortalClient } from '@portalkit/sdk';

let defaultClient: PortalClient | null | undefined;

/**
 * The page's client when no `<pk-portal>` provides one: created once from
 * `<meta name="portalkit-server" content="…">`. `null` (with one console error) when the page names
 * no server: components then stay closed rather than guess.
 */
export function getDefaultClient(): PortalClient | null {
  if (defaultClient !== undefined) return defaultClient;
  const meta = globalThis.document?.querySelector<HTMLMetaElement>('meta[name="portalkit-server"]');
  if (!meta?.content) {
    console.error('PortalKit: no <pk-portal server="…"> around this element and no <meta name="portalkit-server" content="…"> on the page.');
    defaultClient = null;
    return null;
  }
  try {
    defaultClient = createPortalClient({ server: meta.content });
  } catch (error) {
    console.error('PortalKit: <meta name="portalkit-server"> does not name a usable server.', error);
    defaultClient = null;
  }
  return defaultClient;
}
