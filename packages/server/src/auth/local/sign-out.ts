import type { FastifyInstance } from 'fastify';
import type { ServerContext } from '../../app/context.js';
import { clearSessionCookie } from '../../sessions/session-cookie.js';

/**
 * `POST /auth/sign-out`: ends the session on the server (the token stops working everywhere, not just
 * in this browser), clears the cookie, and tells the contact's open pages. Anonymous callers get 204
 * too: signing out is idempotent. Not a local route: it ends sessions from any sign-in method.
 */
export function signOutRoute(app: FastifyInstance, context: ServerContext): void {
  app.post('/auth/sign-out', { schema: { body: { type: ['object', 'null'], maxProperties: 0 } } }, async (request, reply) => {
    const { session } = await context.visitors.fromRequest(request);
    if (session && (await context.sessions.end(session.id_hash, 'sign-out'))) {
      await context.events.publish('session-ended', { contactId: session.contact_id, sessionHash: session.id_hash });
      await context.audit.record({ action: 'sign-out', outcome: 'success', actor: session.contact_id, ip: request.ip });
    }
    clearSessionCookie(reply, context.cookie);
    return reply.status(204).send();
  });
}
