import type { FastifyInstance } from 'fastify';
import type { ServerContext } from '../../app/context.js';
import { ContactExistsError } from '../../contacts/contacts.js';
import { Problem } from '../../http/problem.js';
import { clientAddressKey } from '../../http/rate-limit.js';
import type { RateLimiter, RateLimitPolicy } from '../../http/rate-limit.js';
import type { ContactRow } from '../../storage/database.js';
import { assignableRoles, auditInvitationRedeemed, invalidInvitation, Invitations } from '../invitations.js';
import type { InvitationGrant } from '../invitations.js';
import { hashPassword, refuseWhenHashingSaturated } from '../passwords.js';
import { requireLocalSignIn } from './guards.js';
import { newPasswordProblem } from './password-policy.js';
import { contactResponse, publicContact, registerBody } from './schemas.js';
import type { RegisterBody } from './schemas.js';
import { startSession } from '../../sessions/start-session.js';

/** Thrown inside the registration transaction so the contact it created rolls back. */
class InvalidInvitation extends Error {}


/**
 * `POST /auth/local/register`: creates a contact with a password and signs it in, as the registration
 * mode allows: `open`, `invitation` (a valid code required) or `closed`. Redeeming the invitation,
 * creating the contact, its password and its roles happen in ONE transaction: all or nothing.
 */
export function registerRoute(app: FastifyInstance, context: ServerContext, limiter: RateLimiter, limits: RateLimitPolicy): void {
  const invitations = new Invitations(context.db, context.clock);
  app.post<{ Body: RegisterBody }>(
    '/auth/local/register',
    { schema: { body: registerBody, response: { 201: contactResponse } } },
    async (request, reply) => {
      requireLocalSignIn(context);
    refuseWhenHashingSaturated();
      const model = context.config.model;
      const { registration, signInWith } = model.authentication.local;
      if (registration === 'closed') {
        throw new Problem(403, 'registration-closed', 'Registration is closed', 'This site does not accept new registrations.');
      }
      const body = request.body;
      await limiter.enforce(`register:ip:${clientAddressKey(request.ip)}`, limits.registerPerIp);
      if (signInWith === 'username' && body.username === undefined) {
        throw new Problem(400, 'validation-failed', 'The request is not valid', 'One or more fields are not valid.', {
          errors: [{ path: '/username', message: 'is required: this site signs in by username' }],
        });
      }
      const passwordProblem = newPasswordProblem(body.password, model, '/password');
      if (passwordProblem) throw passwordProblem;
      if (registration === 'invitation' && body.invitationCode === undefined) {
        throw invalidInvitation('This site registers by invitation only: an invitation code is required.');
      }

      const passwordHash = await hashPassword(body.password);
      let redeemed: InvitationGrant | undefined;
      let contact: ContactRow;
      try {
        contact = await context.db.transaction().execute(async (trx) => {
          if (body.invitationCode !== undefined) {
            redeemed = await invitations.redeem(body.invitationCode, body.email, trx);
            if (!redeemed) throw new InvalidInvitation();
          }
          const created = await context.contacts.create(
            { email: body.email, username: body.username, firstname: body.firstname, lastname: body.lastname, accountId: redeemed?.accountId },
            trx,
          );
          await trx
            .insertInto('pk_credentials')
            .values({ contact_id: created.id, password_hash: passwordHash, failed_attempts: 0, locked_until: null, changed_at: context.clock.now() })
            .execute();
          for (const role of assignableRoles(model, redeemed?.roles ?? [])) await context.contacts.assignRole(created.id, role, trx);
          return created;
        });
      } catch (error) {
        if (error instanceof InvalidInvitation) {
          await context.audit.record({ action: 'register', outcome: 'failure', subject: body.email, ip: request.ip, detail: { reason: 'invalid-invitation' } });
          throw invalidInvitation();
        }
        if (error instanceof ContactExistsError) {
          await context.audit.record({ action: 'register', outcome: 'failure', subject: body.email, ip: request.ip, detail: { reason: `${error.field}-taken` } });
          throw new Problem(409, 'contact-exists', 'Already registered', `A contact with this ${error.field} already exists.`);
        }
        throw error;
      }

      await context.audit.record({ action: 'register', outcome: 'success', actor: contact.id, subject: body.email, ip: request.ip, detail: { method: 'password' } });
      if (redeemed) await auditInvitationRedeemed(context, contact.id, redeemed, request.ip);
      await startSession(context, request, reply, contact.id);
      return reply.status(201).send(publicContact(contact));
    },
  );
}

