/**
 * The password-reset token of the page's address. The server mails `…/reset-password?token=…`, so a
 * `<pk-sign-in>` on that page finds the token without any attribute.
 */
export function resetTokenFromUrl(param: string): string | undefined {
  if (param === '' || typeof location === 'undefined') return undefined;
  const token = new URLSearchParams(location.search).get(param);
  return token === null || token.trim() === '' ? undefined : token.trim();
}

/**
 * Removes the used token from the address bar (and so from history and bookmarks), keeping the rest of
 * the URL. A token works once; leaving it would only invite a confusing second attempt.
 */
export function forgetResetTokenInUrl(param: string): void {
  if (param === '' || typeof location === 'undefined' || typeof history === 'undefined') return;
  const url = new URL(location.href);
  if (!url.searchParams.has(param)) return;
  url.searchParams.delete(param);
  history.replaceState(history.state, '', url.href);
}
