import type { Kysely } from 'kysely';
import type { Database } from '../storage/database.js';
import type { Clock } from '../util/clock.js';

/** A message for a contact (password reset, invitation). */
export interface MailMessage {
  readonly to: string;
  readonly subject: string;
  readonly text: string;
}

/** Delivers messages. Deployments plug in their own (SMTP, a mail API); the default keeps an outbox. */
export interface Mailer {
  send(message: MailMessage): Promise<void>;
}

/**
 * Writes every message to the `pk_outbox` table, where a deployment's sender (or a test) picks it up,
 * and optionally echoes it to a log (the demo prints reset links to the console).
 */
export class OutboxMailer implements Mailer {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly clock: Clock,
    private readonly echo?: (message: MailMessage) => void,
  ) {}

  async send(message: MailMessage): Promise<void> {
    await this.db
      .insertInto('pk_outbox')
      .values({ recipient: message.to, subject: message.subject, body: message.text, created_at: this.clock.now() })
      .execute();
    this.echo?.(message);
  }
}
