import type { FastifyInstance } from 'fastify';
import type { ServerContext } from '../../app/context.js';
import { hashPassword, refuseWhenHashingSaturated } from '../passwords.js';
import { checkPassword } from './credential-check.js';
import { notSignedIn, requireLocalSignIn, sendInvalidCredentials } from './guards.js';
import { newPasswordProblem } from './password-policy.js';
import { passwordChangeBody } from './schemas.js';
import type { PasswordChangeBody } from './schemas.js';
import { announceEndedSessions } from '../../sessions/start-session.js';

/**
 * `POST /auth/password`: a signed-in contact changes its password, proving the current one (a wrong
 * one counts toward lockout, like a sign-in). Every OTHER session of the contact ends: whoever else
 * held one (perhaps the reason for the change) is out; this browser stays signed in.
 */
export function passwordChangeRoute(app: FastifyInstance, context: ServerContext): void {
  app.post<{ Body: PasswordChangeBody }>('/auth/password', { schema: { body: passwordChangeBody } }, async (request, reply) => {
    requireLocalSignIn(context);
    refuseWhenHashingSaturated();
    const visitor = await context.visitors.fromRequest(request);
    if (!visitor.contactId || !visitor.session) throw notSignedIn();
    const contactId = visitor.contactId;
    const { currentPassword, newPassword } = request.body;
    const policyProblem = newPasswordProblem(newPassword, context.config.model, '/newPassword');
    if (policyProblem) throw policyProblem;

    const contact = await context.contacts.byId(contactId);
    const check = await checkPassword(context, contact, currentPassword, { ip: request.ip });
    if (!check.ok) {
      await context.audit.record({ action: 'password-change', outcome: 'failure', actor: contactId, subject: contactId, ip: request.ip, detail: { reason: check.reason } });
      return sendInvalidCredentials(reply);
    }
    const passwordHash = await hashPassword(newPassword);
    await context.db
      .updateTable('pk_credentials')
      .set({ password_hash: passwordHash, changed_at: context.clock.now(), failed_attempts: 0, locked_until: null })
      .where('contact_id', '=', contactId)
      .execute();
    const ended = await context.sessions.endAllForContact(contactId, 'password-change', visitor.session.id_hash);
    await announceEndedSessions(context, contactId, ended);
    await context.audit.record({ action: 'password-change', outcome: 'success', actor: contactId, subject: contactId, ip: request.ip, detail: { endedSessions: ended.length } });
    return reply.status(204).send();
  });
}
