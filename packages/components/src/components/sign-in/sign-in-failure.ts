import { msg, str } from '@lit/localize';
import { InvalidCredentialsError, NetworkError, RateLimitedError, ValidationError } from '@portalkit/sdk';
import { pointerField } from '../../internal/request-failure.js';

/** What a failed request means for the form: one summary for the live region, messages per field. */
export interface SignInFailure {
  /** Announced in the error region (and focused). */
  readonly summary: string;
  /** Messages shown next to the fields, keyed by the input's `name`. */
  readonly fields: ReadonlyMap<string, string>;
  /** Field problems whose path names no field of the form: listed under the summary. */
  readonly unplaced: readonly string[];
}

/** The shape of every SDK error the form reads; duck-typed so another copy of the SDK on the page maps the same. */
interface ErrorShape {
  readonly name?: unknown;
  readonly status?: unknown;
  readonly code?: unknown;
  readonly retryAfterSeconds?: unknown;
  readonly errors?: unknown;
}

/**
 * Turns an error thrown by the client into messages. `fieldNames` are the inputs of the current form;
 * a `ValidationError` path (`/password`) that names one of them becomes that field's message.
 *
 * Locked-out and wrong-password sign-ins are deliberately one message: the server does not tell them
 * apart (so an attacker cannot learn which accounts exist or are locked), and neither may the form.
 */
export function describeFailure(error: unknown, fieldNames: readonly string[]): SignInFailure {
  const shape: ErrorShape = typeof error === 'object' && error !== null ? (error as ErrorShape) : {};
  const none = new Map<string, string>();
  const code = typeof shape.code === 'string' ? shape.code : '';

  if (error instanceof InvalidCredentialsError || code === 'invalid-credentials') {
    return { summary: invalidCredentialsMessage(), fields: none, unplaced: [] };
  }
  if (error instanceof RateLimitedError || shape.status === 429) {
    const seconds = typeof shape.retryAfterSeconds === 'number' && shape.retryAfterSeconds > 0 ? Math.ceil(shape.retryAfterSeconds) : undefined;
    return { summary: rateLimitedMessage(seconds), fields: none, unplaced: [] };
  }
  if (error instanceof NetworkError || code === 'network-error') {
    return { summary: msg('The server cannot be reached. Check your connection and try again.', { id: 'sign-in.error.network' }), fields: none, unplaced: [] };
  }
  if (code === 'invalid-invitation') {
    const message = msg('The invitation code is not valid, has expired, or has been used.', { id: 'sign-in.error.invalid-invitation' });
    return fieldNames.includes('invitationCode')
      ? { summary: validationSummary(), fields: new Map([['invitationCode', message]]), unplaced: [] }
      : { summary: message, fields: none, unplaced: [] };
  }
  if (code === 'invalid-token') {
    return {
      summary: msg('This reset link is not valid, has expired, or has been used. Ask for a new one.', { id: 'sign-in.error.invalid-token' }),
      fields: none,
      unplaced: [],
    };
  }
  if (code === 'contact-exists') {
    return {
      summary: msg('An account with this email or username already exists. Sign in, or reset your password.', { id: 'sign-in.error.contact-exists' }),
      fields: none,
      unplaced: [],
    };
  }
  if (code === 'registration-closed') {
    return { summary: msg('This site does not accept new registrations.', { id: 'sign-in.error.registration-closed' }), fields: none, unplaced: [] };
  }
  if (code === 'sign-in-cancelled') {
    return { summary: msg('The sign-in window was closed before the sign-in finished.', { id: 'sign-in.error.cancelled' }), fields: none, unplaced: [] };
  }
  if (error instanceof ValidationError || Array.isArray(shape.errors)) {
    return validationFailure(Array.isArray(shape.errors) ? shape.errors : [], fieldNames);
  }
  return { summary: genericMessage(), fields: none, unplaced: [] };
}

/** A failure made in the browser before any request: the form's own constraint checks. */
export function localValidationFailure(fields: ReadonlyMap<string, string>): SignInFailure {
  return { summary: validationSummary(), fields, unplaced: [] };
}

/** The one message for a wrong login, a wrong password and a locked account. */
export function invalidCredentialsMessage(): string {
  return msg('The login or password is not correct.', { id: 'sign-in.error.invalid-credentials' });
}

export function genericMessage(): string {
  return msg('Something went wrong. Try again.', { id: 'sign-in.error.generic' });
}

function rateLimitedMessage(seconds: number | undefined): string {
  return seconds === undefined
    ? msg('Too many attempts. Wait a moment and try again.', { id: 'sign-in.error.rate-limited' })
    : msg(str`Too many attempts. Try again in ${seconds} seconds.`, { id: 'sign-in.error.retry-after' });
}

function validationSummary(): string {
  return msg('Some fields need attention.', { id: 'sign-in.error.validation' });
}

function validationFailure(problems: readonly unknown[], fieldNames: readonly string[]): SignInFailure {
  const fields = new Map<string, string>();
  const unplaced: string[] = [];
  for (const problem of problems) {
    if (typeof problem !== 'object' || problem === null) continue;
    const { path, message } = problem as { path?: unknown; message?: unknown };
    if (typeof message !== 'string' || message === '') continue;
    // A JSON pointer to a top-level body member (`/password`); deeper paths have no field of their own.
    const name = typeof path === 'string' ? pointerField(path) : undefined;
    if (name !== undefined && fieldNames.includes(name)) {
      const previous = fields.get(name);
      fields.set(name, previous === undefined ? message : `${previous}; ${message}`);
    } else {
      unplaced.push(message);
    }
  }
  return { summary: validationSummary(), fields, unplaced };
}
