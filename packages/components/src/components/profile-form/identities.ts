import { msg } from '@lit/localize';
import type { DiscoveryDocument, MeDocument } from '@portalkit/sdk';
import { html } from 'lit';
import type { TemplateResult } from 'lit';

/**
 * The linked external identities: each provider's display name from discovery (its id when the site
 * no longer lists it) and when it was linked, formatted for the active locale. Text bindings only:
 * provider ids come from the server's records.
 */
export function identitiesTemplate(identities: MeDocument['identities'], discovery: DiscoveryDocument, locale: string): TemplateResult {
  if (identities.length === 0) {
    return html`<p part="identities-empty">${msg('No external sign-in is linked to your account.', { id: 'profile.identities.none' })}</p>`;
  }
  const names = new Map(discovery.authentication.providers.map((provider) => [provider.id, provider.displayName]));
  return html`<ul part="identities">
    ${identities.map(
      (identity) => html`<li part="identity">
        <span part="identity-provider">${names.get(identity.provider) ?? identity.provider}</span>
        <span part="identity-linked">${linkedText(identity.linkedAt, locale)}</span>
      </li>`,
    )}
  </ul>`;
}

function linkedText(linkedAt: string, locale: string): TemplateResult | string {
  const date = new Date(linkedAt);
  if (Number.isNaN(date.getTime())) return '';
  let formatted: string;
  try {
    formatted = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' }).format(date);
  } catch {
    formatted = date.toISOString();
  }
  return html`${msg('linked', { id: 'profile.identities.linked' })} <time datetime=${date.toISOString()}>${formatted}</time>`;
}
