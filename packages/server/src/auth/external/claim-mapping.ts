import type { JWTPayload } from 'jose';
import type { PortalModel, ProviderConfig } from '@portalkit/core';
import type { NewContact } from '../../contacts/contacts.js';

/** Column ← claim when a provider names no mapping of its own. */
export const DEFAULT_CLAIM_MAPPING: Readonly<Record<string, string>> = Object.freeze({
  email: 'email',
  firstname: 'given_name',
  lastname: 'family_name',
});

/** The contact columns a registration through a provider can fill today (the contact table's own columns). */
const MAPPABLE = ['email', 'username', 'firstname', 'lastname'] as const;
type Mappable = (typeof MAPPABLE)[number];

const EMAIL = /^[^@\s\p{Cc}]+@[^@\s\p{Cc}]+$/u;
const USERNAME = /^[\p{L}\p{N}](?:[\p{L}\p{N}._-]*[\p{L}\p{N}])?$/u;
const CONTROL = /\p{Cc}/u;
const DEFAULT_MAX_LENGTH: Record<Mappable, number> = { email: 254, username: 64, firstname: 100, lastname: 100 };

/**
 * The new contact's columns from a verified ID token, per the provider's `claimMapping`. Claims are
 * the provider's word, so each value is checked like a registration field: strings only, no control
 * characters, within the column's length (names are shortened, identifiers are dropped rather than
 * changed).
 *
 * The email column is filled only when the token says `email_verified: true`. An email becomes a login
 * and a password-reset address here; taking it unverified would let anyone whose provider accepts
 * arbitrary addresses register a contact under someone else's email (pre-account hijacking).
 * Columns beyond the contact's built-in ones are not stored yet (they belong to the data API).
 */
export function contactFromClaims(model: PortalModel, provider: ProviderConfig, claims: JWTPayload): NewContact {
  const mapping = provider.claimMapping ?? DEFAULT_CLAIM_MAPPING;
  const columns = model.tables['contact']?.columns ?? {};
  const contact: { -readonly [K in Mappable]?: string } = {};
  for (const column of MAPPABLE) {
    const claim = mapping[column];
    if (claim === undefined) continue;
    const raw = claims[claim];
    if (typeof raw !== 'string') continue;
    const value = raw.trim().normalize('NFC');
    if (value === '' || CONTROL.test(value)) continue;
    const maxLength = Math.min(columns[column]?.maxLength ?? DEFAULT_MAX_LENGTH[column], DEFAULT_MAX_LENGTH[column]);
    if (column === 'email') {
      if (isVerified(claims['email_verified']) && value.length <= maxLength && EMAIL.test(value)) contact.email = value;
    } else if (column === 'username') {
      if (value.length <= maxLength && USERNAME.test(value)) contact.username = value;
    } else {
      contact[column] = [...value].slice(0, maxLength).join('').trim();
    }
  }
  return contact;
}

/** Some providers send `"true"` as a string; anything else is unverified. */
function isVerified(value: unknown): boolean {
  return value === true || value === 'true';
}
