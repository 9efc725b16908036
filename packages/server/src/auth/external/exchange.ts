import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ProviderConfig } from '@portalkit/core';
import type { ServerContext } from '../../app/context.js';
import { auditInvitationRedeemed } from '../invitations.js';
import { Problem } from '../../http/problem.js';
import type { ContactRow } from '../../storage/database.js';
import { startSession } from '../../sessions/start-session.js';
import { unknownProvider } from './configured-provider.js';
import { IdTokenRejectedError, verifyIdToken } from './id-token.js';
import type { VerifiedIdToken } from './id-token.js';
import { linkIdentity, linkedContactId } from './identity-links.js';
import type { ExternalIdentity } from './identity-links.js';
import { ProviderUnavailableError } from './provider-metadata.js';
import type { ProviderDirectory } from './provider-metadata.js';
import { clearPreSessionCookie, readPreSessionToken } from './pre-sessions.js';
import type { PreSessions } from './pre-sessions.js';
import { ExternalSignInRefused, registerFromIdentity } from './registration.js';
import { exchangeBody, exchangeResponse } from './schemas.js';
import type { ExchangeBody, ExchangeResponse } from './schemas.js';

/**
 * What every refused token gets: one answer, whatever the reason (expired, wrong audience, bad
 * signature, replayed, no pre-session…), so the endpoint is no oracle. The reason goes to the audit log.
 */
function invalidIdToken(): Problem {
  return new Problem(401, 'invalid-id-token', 'Sign-in not accepted', 'The sign-in could not be verified. Start it again.');
}

function providerUnavailable(provider: ProviderConfig): Problem {
  return new Problem(502, 'provider-unavailable', 'Identity provider unavailable', `${provider.displayName} could not be reached to verify the sign-in. Try again later.`);
}

/**
 * `POST /auth/external/exchange`: the browser hands over the ID token its provider issued (with the
 * nonce from `begin`). The pre-session is consumed first — single use, whatever happens next — then
 * the token is verified, then the identity (issuer, subject) signs in its contact, is linked to the
 * signed-in visitor, or registers a contact, as the provider's registration mode allows.
 */
export function exchangeRoute(app: FastifyInstance, context: ServerContext, preSessions: PreSessions, directory: ProviderDirectory): void {
  app.post<{ Body: ExchangeBody }>(
    '/auth/external/exchange',
    { schema: { body: exchangeBody, response: { 200: exchangeResponse } } },
    async (request, reply) => {
      const body = request.body;
      const visitor = await context.visitors.fromRequest(request);
      const refuse = async (reason: string, problem: Problem, detail: Record<string, unknown> = {}): Promise<never> => {
        await context.audit.record({
          action: 'external-sign-in',
          outcome: 'failure',
          actor: visitor.contactId,
          subject: body.provider,
          ip: request.ip,
          detail: { provider: body.provider, reason, ...detail },
        });
        throw problem;
      };

      const provider = context.config.model.authentication.providers.find((candidate) => candidate.id === body.provider);
      if (!provider) return refuse('unknown-provider', unknownProvider(body.provider));
      // Whatever the outcome, the pre-session this browser held is spent.
      clearPreSessionCookie(reply, context.cookie);
      const preSession = await preSessions.consume(readPreSessionToken(request, context.cookie), provider.id);
      if (typeof preSession === 'string') return refuse(preSession, invalidIdToken());

      let verified: VerifiedIdToken;
      try {
        const metadata = await directory.metadata(provider);
        verified = await verifyIdToken(body.idToken, metadata, { provider, nonce: preSession.nonce, now: context.clock.now(), begunAt: preSession.createdAt });
      } catch (error) {
        if (error instanceof ProviderUnavailableError) return refuse(error.reason, providerUnavailable(provider), { error: causeMessage(error) });
        if (error instanceof IdTokenRejectedError) return refuse(error.reason, invalidIdToken(), { error: error.message });
        throw error;
      }

      const identity: ExternalIdentity = { issuer: verified.issuer, subject: verified.subject, provider: provider.id };
      const identityDetail = { provider: provider.id, issuer: verified.issuer, externalSubject: verified.subject };
      let result: ExchangeResponse;
      try {
        result = await resolveIdentity(context, request, provider, verified, identity, body.invitationCode);
      } catch (error) {
        if (error instanceof ExternalSignInRefused) return refuse(error.reason, error.problem, identityDetail);
        throw error;
      }

      if (result.linked) {
        await context.audit.record({ action: 'external-link', outcome: 'success', actor: result.contact.id, subject: result.contact.id, ip: request.ip, detail: identityDetail });
      } else {
        await startSession(context, request, reply, result.contact.id);
        await context.audit.record({
          action: 'external-sign-in',
          outcome: 'success',
          actor: result.contact.id,
          subject: provider.id,
          ip: request.ip,
          detail: { ...identityDetail, created: result.created },
        });
      }
      reply.header('Cache-Control', 'no-store');
      return result;
    },
  );
}

/**
 * Known identity: its contact. Unknown and someone is signed in: link it to them. Unknown and nobody
 * is: register (or refuse). Registration writes its own audit rows.
 */
async function resolveIdentity(
  context: ServerContext,
  request: FastifyRequest,
  provider: ProviderConfig,
  verified: VerifiedIdToken,
  identity: ExternalIdentity,
  invitationCode: string | undefined,
): Promise<ExchangeResponse> {
  const known = await knownContact(context, identity);
  if (known) return response(known, { created: false, linked: false });

  const visitor = await context.visitors.fromRequest(request);
  const current = visitor.contactId === undefined ? undefined : await context.contacts.byId(visitor.contactId);
  if (current) {
    if (await linkIdentity(context.db, identity, current.id, context.clock.now())) return response(current, { created: false, linked: true });
    // Linked by a concurrent request in the meantime: it is a known identity now.
    return response(await knownContactOrFail(context, identity), { created: false, linked: false });
  }

  const outcome = await registerFromIdentity(context, provider, verified, invitationCode);
  if (outcome.kind === 'identity-taken') return response(await knownContactOrFail(context, identity), { created: false, linked: false });
  const { contact, invitation } = outcome;
  await context.audit.record({
    action: 'register',
    outcome: 'success',
    actor: contact.id,
    subject: contact.email ?? contact.id,
    ip: request.ip,
    detail: { method: 'external', provider: provider.id },
  });
  if (invitation) {
    await auditInvitationRedeemed(context, contact.id, invitation, request.ip);
  }
  return response(contact, { created: true, linked: false });
}

async function knownContact(context: ServerContext, identity: ExternalIdentity): Promise<ContactRow | undefined> {
  const contactId = await linkedContactId(context.db, identity);
  return contactId === undefined ? undefined : context.contacts.byId(contactId);
}

async function knownContactOrFail(context: ServerContext, identity: ExternalIdentity): Promise<ContactRow> {
  const contact = await knownContact(context, identity);
  if (!contact) throw new Error('External identity vanished while it was being linked.');
  return contact;
}

function response(contact: ContactRow, flags: { created: boolean; linked: boolean }): ExchangeResponse {
  return { contact: { id: contact.id, email: contact.email, username: contact.username }, ...flags };
}

function causeMessage(error: Error): string {
  const cause = (error as { cause?: unknown }).cause;
  return cause instanceof Error ? cause.message : error.message;
}
