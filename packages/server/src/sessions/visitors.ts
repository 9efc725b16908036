import type { FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import type { Database, SessionRow } from '../storage/database.js';
import { readSessionToken } from './session-cookie.js';
import type { SessionCookiePolicy } from './session-cookie.js';
import type { SessionStore } from './session-store.js';

/** Who is making a request, as far as the server knows: nobody, or a contact with a live session. */
export interface RequestVisitor {
  readonly contactId?: string;
  readonly accountId?: string;
  /** Roles assigned in the database (to the contact or its account); the evaluator adds Authenticated. */
  readonly roles: readonly string[];
  readonly session?: SessionRow;
}

const ANONYMOUS: RequestVisitor = Object.freeze({ roles: Object.freeze([]) });

/** Resolves the visitor behind a request once per request, from the session cookie and the database. */
export class Visitors {
  readonly #memo = new WeakMap<FastifyRequest, Promise<RequestVisitor>>();

  constructor(
    private readonly db: Kysely<Database>,
    private readonly sessions: SessionStore,
    private readonly cookie: () => SessionCookiePolicy,
  ) {}

  /**
   * The visitor behind a request. `activity: false` for background requests (permission-set
   * revalidation, the event stream), which must not keep an idle session alive.
   */
  fromRequest(request: FastifyRequest, options: { activity?: boolean } = {}): Promise<RequestVisitor> {
    let visitor = this.#memo.get(request);
    if (!visitor) {
      visitor = this.#resolve(request, options.activity !== false);
      this.#memo.set(request, visitor);
    }
    return visitor;
  }

  /** A contact's account and assigned roles (contact roles plus its account's roles). */
  async forContact(contactId: string): Promise<{ accountId?: string; roles: string[] } | undefined> {
    const contact = await this.db.selectFrom('contact').select(['id', 'accountid']).where('id', '=', contactId).executeTakeFirst();
    if (!contact) return undefined;
    const contactRoles = this.db.selectFrom('pk_contact_roles').select('role').where('contact_id', '=', contactId);
    const rows = contact.accountid
      ? await contactRoles
          .union(this.db.selectFrom('pk_account_roles').select('role').where('account_id', '=', contact.accountid))
          .execute()
      : await contactRoles.execute();
    return {
      ...(contact.accountid ? { accountId: contact.accountid } : {}),
      roles: [...new Set(rows.map((row) => row.role))].sort(),
    };
  }

  async #resolve(request: FastifyRequest, activity: boolean): Promise<RequestVisitor> {
    const token = readSessionToken(request, this.cookie());
    if (!token) return ANONYMOUS;
    const session = await this.sessions.resolve(token, { touch: activity });
    if (!session) return ANONYMOUS;
    const contact = await this.forContact(session.contact_id);
    if (!contact) return ANONYMOUS;
    return { contactId: session.contact_id, ...contact, session };
  }
}
