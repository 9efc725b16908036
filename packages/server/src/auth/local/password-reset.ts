import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import type { ServerContext } from '../../app/context.js';
import { loginKey } from '../../contacts/contacts.js';
import { Problem } from '../../http/problem.js';
import { clientAddressKey } from '../../http/rate-limit.js';
import type { RateLimiter, RateLimitPolicy } from '../../http/rate-limit.js';
import { hashSecret } from '../../util/secrets.js';
import { hashPassword } from '../passwords.js';
import { ResetTokens } from '../reset-tokens.js';
import { requirePasswordReset } from './guards.js';
import { newPasswordProblem } from './password-policy.js';
import { resetConfirmBody, resetRequestBody } from './schemas.js';
import type { ResetConfirmBody, ResetRequestBody } from './schemas.js';
import { announceEndedSessions } from '../../sessions/start-session.js';

/** The same answer whether or not the address belongs to anyone: the route must not reveal who is registered. */
const ACCEPTED = Object.freeze({ status: 'accepted', message: 'If this address belongs to an account, a reset link is on its way.' });

function invalidToken(): Problem {
  return new Problem(400, 'invalid-token', 'Invalid reset link', 'This reset link is not valid, has expired, or has been used. Ask for a new one.');
}

/**
 * `POST /auth/password-reset/request` and `/confirm`. The token travels only by mail, is stored hashed,
 * works once and for `passwordReset.tokenMinutes`. Confirming sets the password, lifts a lockout, and
 * ends every session of the contact (whoever had access before the reset is out).
 */
export function passwordResetRoutes(app: FastifyInstance, context: ServerContext, limiter: RateLimiter, limits: RateLimitPolicy): void {
  const tokens = new ResetTokens(context.db, context.clock);
  const deliveries = new Set<Promise<void>>();
  app.addHook('onClose', async () => {
    await Promise.allSettled([...deliveries]);
  });

  app.post<{ Body: ResetRequestBody }>('/auth/password-reset/request', { schema: { body: resetRequestBody } }, async (request, reply) => {
    requirePasswordReset(context);
    const { email } = request.body;
    await limiter.enforce(`reset-request:ip:${clientAddressKey(request.ip)}`, limits.resetRequestPerIp);
    await limiter.enforce(`reset-request:email:${hashSecret(loginKey(email))}`, limits.resetRequestPerEmail);
    await context.audit.record({ action: 'password-reset-request', outcome: 'success', subject: email, ip: request.ip });
    // Looked up, stored and mailed after answering, so the response time does not reveal whether the
    // address is known either.
    const delivery = sendResetLink(context, tokens, email, request.log).finally(() => deliveries.delete(delivery));
    deliveries.add(delivery);
    return reply.status(202).send(ACCEPTED);
  });

  app.post<{ Body: ResetConfirmBody }>('/auth/password-reset/confirm', { schema: { body: resetConfirmBody } }, async (request, reply) => {
    requirePasswordReset(context);
    const { token, newPassword } = request.body;
    const policyProblem = newPasswordProblem(newPassword, context.config.model, '/newPassword');
    if (policyProblem) throw policyProblem;
    // A cheap look first: nobody gets to make the server hash a password with a made-up token.
    if (!(await tokens.peek(token))) throw invalidToken();
    const passwordHash = await hashPassword(newPassword);
    const now = context.clock.now();
    const contactId = await context.db.transaction().execute(async (trx) => {
      const owner = await tokens.consume(token, trx);
      if (!owner) return undefined;
      await trx
        .insertInto('pk_credentials')
        .values({ contact_id: owner, password_hash: passwordHash, failed_attempts: 0, locked_until: null, changed_at: now })
        .onConflict((conflict) =>
          conflict.column('contact_id').doUpdateSet({ password_hash: passwordHash, failed_attempts: 0, locked_until: null, changed_at: now }),
        )
        .execute();
      await tokens.revokeAll(owner, trx);
      return owner;
    });
    if (!contactId) throw invalidToken();
    const ended = await context.sessions.endAllForContact(contactId, 'password-reset');
    await announceEndedSessions(context, contactId, ended);
    await context.audit.record({ action: 'password-reset', outcome: 'success', subject: contactId, ip: request.ip, detail: { endedSessions: ended.length } });
    return reply.status(204).send();
  });
}

/** Mails a reset link when the address belongs to a contact with a password; otherwise does nothing. */
async function sendResetLink(context: ServerContext, tokens: ResetTokens, email: string, log: FastifyBaseLogger): Promise<void> {
  try {
    const contact = await context.contacts.byEmail(email);
    if (!contact?.email) return;
    const credential = await context.db.selectFrom('pk_credentials').select('contact_id').where('contact_id', '=', contact.id).executeTakeFirst();
    if (!credential) return;
    const model = context.config.model;
    const { token } = await tokens.issue(contact.id, model.authentication.passwordReset.tokenMinutes);
    const link = new URL('/reset-password', model.site.origins[0] ?? context.issuer);
    link.searchParams.set('token', token);
    await context.mailer.send({
      to: contact.email,
      subject: `Reset your ${model.site.name} password`,
      text: [
        `Someone (hopefully you) asked to reset the password of your ${model.site.name} account.`,
        '',
        `Choose a new password here: ${link.href}`,
        '',
        `The link works once, for ${model.authentication.passwordReset.tokenMinutes} minutes. If you did not ask, ignore this message: your password stays as it is.`,
      ].join('\n'),
    });
  } catch (error) {
    log.error({ err: error }, 'could not send a password reset link');
  }
}
