/**
 * For the redirect URI page of `entra` POPUP sign-ins. MSAL 5 no longer reads the popup's URL from the
 * opener; the page the provider returns to must broadcast the response itself. A maker's bridge page
 * (registered at the provider as the popup's redirect URI, same origin as the site) needs only:
 *
 * ```html
 * <script type="module">
 *   import { broadcastResponseToMainFrame } from '…/entra-redirect-bridge.js';
 *   broadcastResponseToMainFrame();
 * </script>
 * ```
 *
 * and the sign-in passes that page's URL as `redirectUri`. It loads only MSAL's small bridge module.
 */
export { broadcastResponseToMainFrame } from '@azure/msal-browser/redirect-bridge';
