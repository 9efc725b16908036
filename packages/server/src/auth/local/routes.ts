import type { FastifyInstance } from 'fastify';
import type { ServerContext } from '../../app/context.js';
import type { RateLimiting } from '../../http/rate-limit.js';
import { spendVerificationTime } from '../passwords.js';
import { passwordChangeRoute } from './password-change.js';
import { passwordResetRoutes } from './password-reset.js';
import { registerRoute } from './register.js';
import { signInRoute } from './sign-in.js';
import { signOutRoute } from './sign-out.js';

/**
 * Local authentication (DESIGN.md §2): registration, sign-in, sign-out, password change and reset,
 * behind rate limits kept in the database.
 */
export async function localAuthRoutes(app: FastifyInstance, context: ServerContext, { limiter, limits }: RateLimiting): Promise<void> {
  // The dummy hash for unknown logins is made now, not on the first unknown login (which would be slower).
  await spendVerificationTime('warm-up');

  registerRoute(app, context, limiter, limits);
  signInRoute(app, context, limiter, limits);
  signOutRoute(app, context);
  passwordChangeRoute(app, context);
  passwordResetRoutes(app, context, limiter, limits);
}
