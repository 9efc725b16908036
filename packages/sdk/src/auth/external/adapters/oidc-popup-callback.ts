/**
 * For the page an `oidc` POPUP sign-in returns to: hands the provider's response to the window that
 * opened the popup (which finishes the sign-in) and closes the popup. A maker's popup callback page
 * needs only:
 *
 * ```html
 * <script type="module">
 *   import { notifyPopupOpener } from '…/oidc-popup-callback.js';
 *   notifyPopupOpener();
 * </script>
 * ```
 *
 * `completeRedirectSignIn()` calls it itself when it runs inside such a popup, so the sign-in page can
 * also serve as its own popup callback.
 */
import { UserManager } from 'oidc-client-ts';

/** Posts `url` (default: this page's) to the opener, same origin only, and closes this window. */
export async function notifyPopupOpener(url: string = window.location.href): Promise<void> {
  // Only the popup navigator is used here; the settings are required by the constructor, not read.
  const manager = new UserManager({ authority: window.location.origin, client_id: 'popup-callback', redirect_uri: window.location.href });
  await manager.signinPopupCallback(url);
}
