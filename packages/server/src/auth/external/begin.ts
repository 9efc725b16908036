import type { FastifyInstance } from 'fastify';
import type { ServerContext } from '../../app/context.js';
import { clientAddressKey } from '../../http/rate-limit.js';
import type { RateLimiting } from '../../http/rate-limit.js';
import { configuredProvider } from './configured-provider.js';
import { setPreSessionCookie } from './pre-sessions.js';
import type { PreSessions } from './pre-sessions.js';
import { beginBody, beginResponse } from './schemas.js';
import type { BeginBody } from './schemas.js';

/**
 * `POST /auth/external/begin`: starts an external sign-in. Returns the nonce the browser sends to the
 * provider, and binds it to this browser with a short-lived pre-session cookie (HttpOnly: the page's
 * scripts never see the secret, only the nonce).
 */
export function beginRoute(app: FastifyInstance, context: ServerContext, preSessions: PreSessions, { limiter, limits }: RateLimiting): void {
  app.post<{ Body: BeginBody }>('/auth/external/begin', { schema: { body: beginBody, response: { 200: beginResponse } } }, async (request, reply) => {
    const provider = configuredProvider(context, request.body.provider);
    await limiter.enforce(`external-begin:ip:${clientAddressKey(request.ip)}`, limits.externalBeginPerIp);
    const preSession = await preSessions.begin(provider.id);
    setPreSessionCookie(reply, context.cookie, preSession.token);
    reply.header('Cache-Control', 'no-store');
    return { nonce: preSession.nonce, expiresAt: new Date(preSession.expiresAt).toISOString() };
  });
}
