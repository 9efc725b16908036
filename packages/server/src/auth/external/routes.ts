import type { FastifyInstance } from 'fastify';
import type { ServerContext } from '../../app/context.js';
import type { RateLimiting } from '../../http/rate-limit.js';
import { beginRoute } from './begin.js';
import { exchangeRoute } from './exchange.js';
import { ProviderDirectory } from './provider-metadata.js';
import { PreSessions } from './pre-sessions.js';

/**
 * External identities (DESIGN.md §2): the browser signs in with an OpenID Connect or Entra provider,
 * and the server verifies the ID token it brings back and links or registers the contact.
 *
 * 1. `POST /auth/external/begin { provider }` → `{ nonce, expiresAt }` and a pre-session cookie.
 * 2. The browser signs in at the provider with that nonce (authorization code + PKCE, in the SDK).
 * 3. `POST /auth/external/exchange { provider, idToken, invitationCode? }` → `{ contact, created, linked }`.
 */
export async function externalAuthRoutes(app: FastifyInstance, context: ServerContext, rateLimiting: RateLimiting): Promise<void> {
  const preSessions = new PreSessions(context.db, context.clock);
  const directory = new ProviderDirectory();
  beginRoute(app, context, preSessions, rateLimiting);
  exchangeRoute(app, context, preSessions, directory);
}
