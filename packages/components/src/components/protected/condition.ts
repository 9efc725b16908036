import type { PortalClient, Privilege } from '@portalkit/sdk';

const PRIVILEGES: ReadonlySet<string> = new Set<Privilege>(['read', 'write', 'create', 'delete', 'append', 'appendTo']);

/** What `<pk-protected>` checks, parsed from its attributes. */
export interface ProtectionCondition {
  /** Any one of these roles (empty: no role condition). */
  readonly roles: readonly string[];
  /** Every one of these `table:privilege` pairs. */
  readonly permissions: readonly { readonly table: string; readonly privilege: Privilege }[];
  /** A page path the visitor must be allowed to read. */
  readonly page: string | undefined;
  /** Attribute values that mean nothing: the condition then never holds. */
  readonly problems: readonly string[];
}

/**
 * Parses the attributes. `roles` is a comma-separated list (role names contain spaces, e.g. "Partner
 * Managers"); `permission` is one or more `table:privilege` pairs separated by spaces or commas.
 */
export function parseCondition(attributes: { roles?: string | null; permission?: string | null; page?: string | null }): ProtectionCondition {
  const problems: string[] = [];
  const roles = splitList(attributes.roles ?? '', /,/);
  const permissions: { table: string; privilege: Privilege }[] = [];
  for (const pair of splitList(attributes.permission ?? '', /[\s,]+/)) {
    const [table, privilege, extra] = pair.split(':');
    if (!table || !privilege || extra !== undefined || !PRIVILEGES.has(privilege)) {
      problems.push(`permission "${pair}" is not table:privilege (privileges: ${[...PRIVILEGES].join(', ')})`);
      continue;
    }
    permissions.push({ table, privilege: privilege as Privilege });
  }
  const page = attributes.page?.trim() || undefined;
  if (page !== undefined && !page.startsWith('/')) problems.push(`page "${page}" is not a path starting with /`);
  return { roles, permissions, page, problems };
}

/**
 * Whether the condition holds for the client's visitor now. Every given part must hold; with no part
 * at all, being signed in is the condition. Closed while loading and whenever the attributes are wrong.
 */
export function conditionHolds(client: PortalClient | undefined, condition: ProtectionCondition): boolean {
  if (!client || client.state.status === 'loading' || condition.problems.length > 0) return false;
  const { roles, permissions, page } = condition;
  if (roles.length === 0 && permissions.length === 0 && page === undefined) return client.state.status === 'signedIn';
  if (roles.length > 0 && !client.hasRole(...roles)) return false;
  if (!permissions.every(({ table, privilege }) => client.can(privilege, table))) return false;
  return page === undefined || client.canReadPage(page);
}

function splitList(value: string, separator: RegExp): string[] {
  return value
    .split(separator)
    .map((item) => item.trim())
    .filter((item) => item !== '');
}
