/**
 * Request and response schemas of the external-identity routes. Every string is bounded before any
 * work is done; no body takes properties it does not name.
 */

/** Provider ids as the configuration schema defines them (`^[a-z0-9][a-z0-9-]{0,62}$`). */
const providerId = { type: 'string', minLength: 1, maxLength: 63, pattern: '^[a-z0-9][a-z0-9-]{0,62}$' } as const;

/**
 * A compact JWS: three base64url segments (the signature may be empty, so an unsigned token reaches the
 * verifier and is refused there, audited, like any other bad token). Entra ID tokens with many groups
 * run to a few kilobytes; 12 000 characters leaves room and stays under the 16 KiB body limit.
 */
export const MAX_ID_TOKEN_LENGTH = 12_000;
const idToken = { type: 'string', minLength: 5, maxLength: MAX_ID_TOKEN_LENGTH, pattern: '^[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]*$' } as const;

/** Invitation codes we hand out are 43 characters; leave room without accepting essays. */
const invitationCode = { type: 'string', minLength: 1, maxLength: 128 } as const;

export const beginBody = {
  type: 'object',
  additionalProperties: false,
  required: ['provider'],
  properties: { provider: providerId },
} as const;

export interface BeginBody {
  provider: string;
}

export const beginResponse = {
  type: 'object',
  additionalProperties: false,
  required: ['nonce', 'expiresAt'],
  properties: { nonce: { type: 'string' }, expiresAt: { type: 'string' } },
} as const;

export const exchangeBody = {
  type: 'object',
  additionalProperties: false,
  required: ['provider', 'idToken'],
  properties: { provider: providerId, idToken, invitationCode },
} as const;

export interface ExchangeBody {
  provider: string;
  idToken: string;
  invitationCode?: string;
}

export const exchangeResponse = {
  type: 'object',
  additionalProperties: false,
  required: ['contact', 'created', 'linked'],
  properties: {
    contact: {
      type: 'object',
      additionalProperties: false,
      required: ['id', 'email', 'username'],
      properties: { id: { type: 'string' }, email: { type: ['string', 'null'] }, username: { type: ['string', 'null'] } },
    },
    created: { type: 'boolean' },
    linked: { type: 'boolean' },
  },
} as const;

export interface ExchangeResponse {
  contact: { id: string; email: string | null; username: string | null };
  /** A new contact was registered from this identity (and the identity linked to it). */
  created: boolean;
  /** The identity was newly linked to the contact who was already signed in. */
  linked: boolean;
}
