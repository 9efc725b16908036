import { createContext } from '@lit/context';
import type { PortalClient } from '@portalkit/sdk';

/**
 * The PortalKit client, provided by `<pk-portal>` to its descendants. The key is a global symbol so
 * that a second copy of the kit on the page finds the first one's provider.
 */
export const portalClientContext = createContext<PortalClient | undefined>(Symbol.for('portalkit.client'));
