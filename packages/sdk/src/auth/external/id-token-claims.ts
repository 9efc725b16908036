/**
 * Reads an ID token's payload WITHOUT verifying it: only to refuse early, in the browser, a token that
 * plainly belongs to another sign-in. The server verifies signature, issuer, audience, expiry and nonce.
 */
export function unverifiedClaims(idToken: string): Record<string, unknown> | null {
  const payload = idToken.split('.')[1];
  if (payload === undefined) return null;
  try {
    const base64 = payload.replace(/-/g, '+').replace(/_/g, '/');
    const binary = atob(base64.padEnd(base64.length + ((4 - (base64.length % 4)) % 4), '='));
    const json = new TextDecoder().decode(Uint8Array.from(binary, (char) => char.charCodeAt(0)));
    const claims: unknown = JSON.parse(json);
    return typeof claims === 'object' && claims !== null && !Array.isArray(claims) ? (claims as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}
