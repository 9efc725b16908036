import { ABSOLUTE_MAX_PASSWORD_LENGTH } from '../passwords.js';

/**
 * Request-body schemas of the local routes. Every string is bounded before any work (an email is at
 * most 254 characters by RFC 5321; a password never more than the hashing ceiling), and no body takes
 * properties it does not name.
 */

/** RFC 5321's limit on a forward path. */
export const MAX_LOGIN_LENGTH = 254;
export const MAX_USERNAME_LENGTH = 64;
export const MAX_NAME_LENGTH = 100;
/** Secrets we hand out are 43 characters; leave room without accepting essays. */
const MAX_SECRET_LENGTH = 128;

/** Anything without a NUL (which no stored value may contain: PostgreSQL text refuses it). */
const NO_NUL = '^[^\\u0000]*$';

/** A password offered for checking. New passwords are checked against the policy by `passwordProblems`. */
const password = { type: 'string', minLength: 1, maxLength: ABSOLUTE_MAX_PASSWORD_LENGTH } as const;
const offeredPassword = { ...password, pattern: NO_NUL } as const;

/** Loose on purpose (internationalised addresses exist); deliverability is proven by mail, not regex. */
const email = { type: 'string', minLength: 3, maxLength: MAX_LOGIN_LENGTH, pattern: '^[^@\\s\\p{Cc}]+@[^@\\s\\p{Cc}]+$' } as const;

/** Letters and digits with `.`, `_`, `-` inside; never `@`, so a username cannot pose as an email. */
const username = { type: 'string', minLength: 1, maxLength: MAX_USERNAME_LENGTH, pattern: '^[\\p{L}\\p{N}](?:[\\p{L}\\p{N}._-]*[\\p{L}\\p{N}])?$' } as const;

const personName = { type: 'string', maxLength: MAX_NAME_LENGTH, pattern: '^[^\\p{Cc}]*$' } as const;

const secret = { type: 'string', minLength: 1, maxLength: MAX_SECRET_LENGTH } as const;

export const registerBody = {
  type: 'object',
  additionalProperties: false,
  required: ['email', 'password'],
  properties: { email, password, username, invitationCode: secret, firstname: personName, lastname: personName },
} as const;

export interface RegisterBody {
  email: string;
  password: string;
  username?: string;
  invitationCode?: string;
  firstname?: string;
  lastname?: string;
}

export const signInBody = {
  type: 'object',
  additionalProperties: false,
  required: ['login', 'password'],
  // Control characters other than NUL are accepted: the login is only compared and logged (as data).
  properties: { login: { type: 'string', minLength: 1, maxLength: MAX_LOGIN_LENGTH, pattern: NO_NUL }, password: offeredPassword },
} as const;

export interface SignInBody {
  login: string;
  password: string;
}

export const passwordChangeBody = {
  type: 'object',
  additionalProperties: false,
  required: ['currentPassword', 'newPassword'],
  properties: { currentPassword: offeredPassword, newPassword: password },
} as const;

export interface PasswordChangeBody {
  currentPassword: string;
  newPassword: string;
}

export const resetRequestBody = {
  type: 'object',
  additionalProperties: false,
  required: ['email'],
  properties: { email },
} as const;

export interface ResetRequestBody {
  email: string;
}

export const resetConfirmBody = {
  type: 'object',
  additionalProperties: false,
  required: ['token', 'newPassword'],
  properties: { token: secret, newPassword: password },
} as const;

export interface ResetConfirmBody {
  token: string;
  newPassword: string;
}

/** The public face of a contact in sign-in and registration responses: what `publicContact` returns. */
export const contactResponse = {
  type: 'object',
  additionalProperties: false,
  required: ['contact'],
  properties: {
    contact: {
      type: 'object',
      additionalProperties: false,
      required: ['id', 'email', 'username'],
      properties: { id: { type: 'string' }, email: { type: ['string', 'null'] }, username: { type: ['string', 'null'] } },
    },
  },
} as const;

/** Only these fields, whatever else the row holds. */
export function publicContact(contact: { id: string; email: string | null; username: string | null }): {
  contact: { id: string; email: string | null; username: string | null };
} {
  return { contact: { id: contact.id, email: contact.email, username: contact.username } };
}
