import type { FastifyInstance } from 'fastify';
import type { ServerContext } from '../../app/context.js';
import { clientAddressKey } from '../../http/rate-limit.js';
import type { RateLimiter, RateLimitPolicy } from '../../http/rate-limit.js';
import { loginKey } from '../../contacts/contacts.js';
import { hashSecret } from '../../util/secrets.js';
import { refuseWhenHashingSaturated } from '../passwords.js';
import { checkPassword } from './credential-check.js';
import { requireLocalSignIn, sendInvalidCredentials } from './guards.js';
import { contactResponse, publicContact, signInBody } from './schemas.js';
import type { SignInBody } from './schemas.js';
import { startSession } from '../../sessions/start-session.js';

/**
 * `POST /auth/local/sign-in`: a login (email or username, per the site's setting) and a password. An
 * unknown login, a wrong password and a locked account get the same response, byte for byte, after the
 * same work; only the audit log says which it was.
 */
export function signInRoute(app: FastifyInstance, context: ServerContext, limiter: RateLimiter, limits: RateLimitPolicy): void {
  app.post<{ Body: SignInBody }>(
    '/auth/local/sign-in',
    { schema: { body: signInBody, response: { 200: contactResponse } } },
    async (request, reply) => {
      requireLocalSignIn(context);
      refuseWhenHashingSaturated();
      const { login, password } = request.body;
      await limiter.enforce(`sign-in:ip:${clientAddressKey(request.ip)}`, limits.signInPerIp);
      // Hashed: the key is bounded, and the table holds no attacker-chosen text.
      await limiter.enforce(`sign-in:login:${hashSecret(loginKey(login))}`, limits.signInPerLogin);

      const { signInWith } = context.config.model.authentication.local;
      const contact = await context.contacts.byLogin(login, signInWith);
      const result = await checkPassword(context, contact, password, { ip: request.ip });
      if (!result.ok) {
        await context.audit.record({
          action: 'sign-in',
          outcome: 'failure',
          subject: login,
          ip: request.ip,
          detail: { reason: result.reason, ...(result.contact ? { contactId: result.contact.id } : {}) },
        });
        return sendInvalidCredentials(reply);
      }
      await startSession(context, request, reply, result.contact.id);
      await context.audit.record({ action: 'sign-in', outcome: 'success', actor: result.contact.id, subject: login, ip: request.ip, detail: { method: 'password' } });
      return publicContact(result.contact);
    },
  );
}
