import type { PortalClient } from '@portalkit/sdk';

/** Clients whose redirect callback this page already handed over (each callback is finished once). */
const finished = new WeakSet<PortalClient>();

/**
 * Whether this page's address carries a provider's redirect answer (`state` with `code` or `error`, in
 * the query or the fragment). Checked first so that ordinary page loads never load the external
 * sign-in chunk.
 */
export function looksLikeRedirectCallback(): boolean {
  if (typeof location === 'undefined') return false;
  for (const params of [new URLSearchParams(location.search), new URLSearchParams(location.hash.replace(/^#/, ''))]) {
    if (params.has('state') && (params.has('code') || params.has('error'))) return true;
  }
  return false;
}

/**
 * Claims the callback for `client`: `true` the first time per client and page, so two `<pk-sign-in>`
 * elements on one page do not both try to finish the same redirect.
 */
export function claimRedirectCallback(client: PortalClient): boolean {
  if (finished.has(client) || !looksLikeRedirectCallback()) return false;
  finished.add(client);
  return true;
}
