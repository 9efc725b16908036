import type { Kysely } from 'kysely';
import type { Database } from '../storage/database.js';
import type { Clock } from '../util/clock.js';

/** Security-relevant actions. Stable strings: operators grep and alert on them. */
export type AuditAction =
  | 'sign-in'
  | 'sign-out'
  | 'lockout'
  | 'register'
  | 'password-change'
  | 'password-reset-request'
  | 'password-reset'
  | 'external-sign-in'
  | 'external-link'
  | 'invitation-create'
  | 'invitation-redeem'
  | 'contact-create'
  | 'role-assign'
  | 'role-revoke'
  | 'key-rotate'
  | 'config-reload'
  | 'permission-denied'
  | 'data-change';

export type AuditOutcome = 'success' | 'failure' | 'denied';

export interface AuditEntry {
  readonly action: AuditAction;
  readonly outcome: AuditOutcome;
  /** Who acted: a contact id, `cli`, or absent for an anonymous visitor. */
  readonly actor?: string | undefined;
  /** What it was about: a contact id, a login as typed, a key id… */
  readonly subject?: string | undefined;
  readonly ip?: string | undefined;
  readonly detail?: Readonly<Record<string, unknown>>;
}

/** One audit record as `audit tail` prints it. */
export interface AuditRecord extends AuditEntry {
  readonly id: number;
  readonly at: string;
}

/**
 * The append-only audit log. Rows are only ever inserted. Values are stored as data and printed as
 * JSON, so a login containing newlines or escape sequences stays one line (no log injection).
 */
export class AuditLog {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly clock: Clock,
  ) {}

  async record(entry: AuditEntry): Promise<void> {
    await this.db
      .insertInto('pk_audit')
      .values({
        at: this.clock.now(),
        action: entry.action,
        outcome: entry.outcome,
        actor: truncate(entry.actor),
        subject: truncate(entry.subject),
        ip: truncate(entry.ip),
        detail: JSON.stringify(entry.detail ?? {}),
      })
      .execute();
  }

  /** Records after `afterId` (or since `sinceMs`), oldest first. */
  async read(options: { afterId?: number; sinceMs?: number; limit?: number } = {}): Promise<AuditRecord[]> {
    let query = this.db.selectFrom('pk_audit').selectAll().orderBy('id').limit(options.limit ?? 1000);
    if (options.afterId !== undefined) query = query.where('id', '>', options.afterId);
    if (options.sinceMs !== undefined) query = query.where('at', '>=', options.sinceMs);
    const rows = await query.execute();
    return rows.map((row) => ({
      id: Number(row.id),
      at: new Date(Number(row.at)).toISOString(),
      action: row.action as AuditAction,
      outcome: row.outcome as AuditOutcome,
      ...(row.actor !== null ? { actor: row.actor } : {}),
      ...(row.subject !== null ? { subject: row.subject } : {}),
      ...(row.ip !== null ? { ip: row.ip } : {}),
      detail: JSON.parse(row.detail) as Record<string, unknown>,
    }));
  }
}

/** Attacker-supplied strings (a login) are kept, but bounded. */
function truncate(value: string | undefined): string | null {
  if (value === undefined) return null;
  return value.length > 256 ? value.slice(0, 256) + '…' : value;
}
