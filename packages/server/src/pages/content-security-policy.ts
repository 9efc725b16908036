import { createHash } from 'node:crypto';
import type { PortalModel } from '@portalkit/core';

/**
 * The Content-Security-Policy of the pages the server serves. Hiding UI is not security, but a page
 * that cannot run injected script keeps an XSS bug in a site's own markup (or a component) from
 * turning into a session's worth of API calls. PortalKit's pages need nothing inline: one module
 * script from this origin (the CDN build and its chunks), stylesheets from this origin, and Lit's
 * component styles, which are constructable stylesheets (`adoptedStyleSheets`) that `style-src` does
 * not govern.
 *
 * - `script-src 'self'`: no inline script, no `eval`, no third-party script.
 * - `connect-src 'self'` plus the origins of the configured identity providers: the OpenID Connect
 *   and Entra flows fetch the provider's discovery document and exchange the code from the browser.
 *   A provider whose token endpoint lives on another origin than its issuer (Google's does) needs a
 *   policy of the site's own (`pages.contentSecurityPolicy`).
 * - `frame-src`: the same providers (silent renewal in a hidden frame), nothing else.
 * - `frame-ancestors 'none'` (as `X-Frame-Options: DENY`), `object-src 'none'`, `base-uri 'none'` (no
 *   `<base>` redirecting relative script URLs), `form-action 'self'`.
 */
export function defaultPagePolicy(model: PortalModel): string {
  const providers = providerOrigins(model);
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    `connect-src ${["'self'", ...providers].join(' ')}`,
    `frame-src ${providers.length > 0 ? providers.join(' ') : "'none'"}`,
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** The origins of the configured providers' issuers (OIDC) and authorities (Entra), each once. */
function providerOrigins(model: PortalModel): string[] {
  const origins = new Set<string>();
  for (const provider of model.authentication.providers) {
    // Validated as absolute https (or loopback http) URLs by the configuration; an origin has no path,
    // quote or semicolon, so it cannot add a directive.
    origins.add(new URL(provider.type === 'oidc' ? provider.issuer : provider.authority).origin);
  }
  return [...origins];
}

/**
 * The policy of a generated page whose only style is one inline `<style>` element (the "no access"
 * page): nothing may load or run, that style is allowed by its hash.
 */
export function inlineStylePolicy(style: string): string {
  const hash = createHash('sha256').update(style, 'utf8').digest('base64');
  return `default-src 'none'; style-src 'sha256-${hash}'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`;
}

/**
 * For SVG files: opened directly, an SVG is a document that can run script. Served as an image it
 * needs none of that.
 */
export const SVG_POLICY = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'";
