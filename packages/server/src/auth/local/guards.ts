import type { FastifyReply } from 'fastify';
import type { ServerContext } from '../../app/context.js';
import { Problem, sendProblem } from '../../http/problem.js';

/** Refuses every local route while local sign-in is switched off in the configuration. */
export function requireLocalSignIn(context: ServerContext): void {
  if (!context.config.model.authentication.local.enabled) {
    throw new Problem(403, 'local-sign-in-disabled', 'Local sign-in is disabled', 'This site does not accept passwords; use one of its sign-in providers.');
  }
}

/** Refuses the reset routes while password reset is switched off. */
export function requirePasswordReset(context: ServerContext): void {
  requireLocalSignIn(context);
  if (!context.config.model.authentication.passwordReset.enabled) {
    throw new Problem(404, 'password-reset-disabled', 'Password reset is disabled', 'This site does not offer password reset.');
  }
}

/**
 * The one answer for an unknown login, a wrong password and a locked account. Sent without the
 * request's `instance` id, so the three responses are byte for byte the same.
 */
const INVALID_CREDENTIALS = new Problem(401, 'invalid-credentials', 'Sign-in failed', 'The login or password is not correct.');

export function sendInvalidCredentials(reply: FastifyReply): FastifyReply {
  return sendProblem(reply, INVALID_CREDENTIALS);
}

export function notSignedIn(): Problem {
  return new Problem(401, 'not-signed-in', 'Not signed in', 'Sign in first.');
}
