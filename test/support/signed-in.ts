import type { TestClient } from './http-client.js';
import type { TestServer } from './portal-server.js';

export interface SignedInVisitor {
  readonly contactId: string;
  readonly email: string;
  /** The session cookie value. */
  readonly token: string;
  /** The session's stored hash (its key in pk_sessions). */
  readonly idHash: string;
  /** A client carrying the session cookie. */
  readonly client: TestClient;
}

/**
 * A contact with `roles` and a live session, set up directly in the database (as a sign-in would
 * leave it), and a client holding the session cookie.
 */
export async function signedInVisitor(
  t: TestServer,
  email: string,
  roles: readonly string[] = [],
  options: { accountId?: string } = {},
): Promise<SignedInVisitor> {
  const { context } = t.server;
  const contact = await context.contacts.create({ email, ...(options.accountId ? { accountId: options.accountId } : {}) });
  for (const role of roles) await context.contacts.assignRole(contact.id, role);
  const session = await context.sessions.create(contact.id, {});
  const client = t.client();
  client.cookies.set(context.cookie.name, session.token);
  return { contactId: contact.id, email, token: session.token, idHash: session.idHash, client };
}

/** Another session (another browser) for the same contact. */
export async function anotherSession(t: TestServer, visitor: SignedInVisitor): Promise<SignedInVisitor> {
  const { context } = t.server;
  const session = await context.sessions.create(visitor.contactId, {});
  const client = t.client();
  client.cookies.set(context.cookie.name, session.token);
  return { ...visitor, token: session.token, idHash: session.idHash, client };
}
