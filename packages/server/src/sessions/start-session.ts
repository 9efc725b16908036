import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ServerContext } from '../app/context.js';
import { setSessionCookie } from './session-cookie.js';

/**
 * Signs a contact in: always a NEW session with a new token. A session the request already carried
 * (someone else's on a shared computer, or one an attacker planted to ride on: session fixation) is
 * ended first, so whatever token was in the browser before is worthless after.
 */
export async function startSession(context: ServerContext, request: FastifyRequest, reply: FastifyReply, contactId: string): Promise<void> {
  const previous = (await context.visitors.fromRequest(request)).session;
  if (previous && (await context.sessions.end(previous.id_hash, 'revoked'))) {
    await context.events.publish('session-ended', { contactId: previous.contact_id, sessionHash: previous.id_hash });
  }
  const session = await context.sessions.create(contactId, { ip: request.ip, userAgent: request.headers['user-agent'] });
  setSessionCookie(reply, context.cookie, session.token, session.expiresAt);
}

/** Tells a contact's open pages that these sessions ended (one `session-ended` event each). */
export async function announceEndedSessions(context: ServerContext, contactId: string, sessionHashes: readonly string[]): Promise<void> {
  for (const sessionHash of sessionHashes) await context.events.publish('session-ended', { contactId, sessionHash });
}
