/**
 * Bulk-fills a stopped server's SQLite file with the data-list benchmark's data set: accounts, contacts,
 * incidents, notes on them and attachments on the notes, straight through better-sqlite3 (one
 * transaction, prepared statements). Deterministic: a seeded generator picks every value, ids included,
 * so two runs build the same data. The tables themselves are the server's (created from the demo
 * configuration at its start); this only checks they have the columns it fills.
 */
import { statSync } from 'node:fs';
import SQLite from 'better-sqlite3';
import { ACCOUNT_A, DATA_BENCH_VISITORS } from './data-bench-plan.js';
import type { DataBenchSize } from './data-bench-plan.js';

/** What was generated, and how long it took. */
export interface GeneratedDataSet {
  readonly accounts: number;
  readonly contacts: number;
  readonly incidents: number;
  readonly notes: number;
  readonly attachments: number;
  readonly seconds: number;
  readonly megabytes: number;
  /** Rows the benchmark visitors reach, for the report and for checking the responses. */
  readonly reach: {
    readonly contactAIncidents: number;
    readonly contactAOpenIncidents: number;
    readonly accountAIncidents: number;
    readonly contactANotes: number;
    readonly contactAAttachments: number;
  };
  readonly ids: { readonly contactA: string; readonly manager: string; readonly agent: string };
}

const DAY = 86_400_000;
/** Incidents are spread over three years before this instant (fixed, so the data set is too). */
const END = Date.UTC(2026, 0, 1);
const SPAN = 3 * 365 * DAY;

const SUBJECTS = ['Invoice', 'Login', 'Shipment', 'Warranty', 'Portal', 'Order', 'Contract', 'Report', 'Printer', 'License', 'Payment', 'Account', 'Delivery', 'Refund', 'Password', 'Upgrade'];
const PROBLEMS = ['does not arrive', 'shows the wrong total', 'fails with an error', 'is delayed', 'needs an update', 'cannot be opened', 'is missing', 'was charged twice', 'times out', 'is rejected'];
const NOTE_KINDS = ['Customer', 'Agent', 'System'];
const NOTE_TEXTS = ['Called the customer back.', 'Waiting for the logs.', 'Escalated to second line.', 'Workaround sent.', 'Customer confirmed the fix.', 'Reopened: the problem came back.'];
const FILE_KINDS = [
  ['screenshot', 'png'],
  ['log', 'txt'],
  ['invoice', 'pdf'],
  ['photo', 'jpg'],
] as const;
const FIRST_NAMES = ['Ada', 'Ben', 'Chloé', 'Dev', 'Emma', 'Finn', 'Grace', 'Hugo', 'Iris', 'Jonas', 'Kim', 'Lea'];
const LAST_NAMES = ['Andersen', 'Brown', 'Chen', 'Dubois', 'Evans', 'Fischer', 'García', 'Hansen', 'Ivanova', 'Jones'];
/** Statuses and their shares: most incidents are open or in progress, a third closed. */
const STATUSES = [
  ['open', 0.4],
  ['in progress', 0.3],
  ['closed', 0.3],
] as const;

/** mulberry32: a small, fast, seeded generator of 32-bit words. */
function words(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}

const hex = (word: number): string => word.toString(16).padStart(8, '0');

/**
 * Fills `file` (the server must be stopped). The visitors in {@link DATA_BENCH_VISITORS} must already
 * exist (the server seeds them); everyone else is generated here.
 */
export function generateDataSet(file: string, size: DataBenchSize, seed = 2026): GeneratedDataSet {
  const started = performance.now();
  const next = words(seed);
  const random = (): number => next() / 4294967296;
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  const uuid = (): string => {
    const a = hex(next());
    const b = hex(next());
    const c = hex(next());
    const d = hex(next());
    return `${a}-${b.slice(0, 4)}-4${b.slice(5, 8)}-${((parseInt(c[0]!, 16) & 0x3) | 0x8).toString(16)}${c.slice(1, 4)}-${c.slice(4)}${d}`;
  };

  const db = new SQLite(file);
  let generated: Pick<GeneratedDataSet, 'reach' | 'ids'> & { counts: Record<'accounts' | 'contacts' | 'incidents' | 'notes' | 'attachments', number> };
  try {
    // One big transaction on a file nobody else has open: no journal, no fsync, a large page cache.
    // The journal goes back to WAL (what the server uses) at the end.
    db.pragma('journal_mode = OFF');
    db.pragma('synchronous = OFF');
    db.pragma('foreign_keys = OFF');
    db.pragma('cache_size = -1048576');
    db.pragma('temp_store = MEMORY');
    requireColumns(db, 'account', ['id', 'name', 'parentaccountid', 'createdon', 'modifiedon', 'rowversion']);
    requireColumns(db, 'contact', ['id', 'email', 'email_key', 'firstname', 'lastname', 'accountid', 'createdon', 'modifiedon', 'rowversion']);
    requireColumns(db, 'incident', ['id', 'title', 'description', 'status', 'priority', 'customerid', 'accountid', 'internalnotes', 'createdon', 'modifiedon', 'rowversion']);
    requireColumns(db, 'note', ['id', 'text', 'incidentid', 'createdon', 'modifiedon', 'rowversion']);
    requireColumns(db, 'attachment', ['id', 'filename', 'noteid', 'createdon', 'modifiedon', 'rowversion']);
    const existing = db.prepare('select count(*) as n from incident').get() as { n: number };
    if (existing.n > 0) throw new Error(`${file} already has ${existing.n} incidents; generate into a fresh data directory.`);

    const idOf = (email: string): string => {
      const row = db.prepare('select id from contact where email_key = ?').get(email.toLowerCase()) as { id: string } | undefined;
      if (!row) throw new Error(`The benchmark visitor ${email} was not seeded.`);
      return row.id;
    };
    const ids = { contactA: idOf(DATA_BENCH_VISITORS.contactA.email), manager: idOf(DATA_BENCH_VISITORS.manager.email), agent: idOf(DATA_BENCH_VISITORS.agent.email) };

    const insertAccount = db.prepare('insert into account (id, name, parentaccountid, createdon, modifiedon, rowversion) values (?, ?, null, ?, ?, 1)');
    const insertContact = db.prepare(
      'insert into contact (id, email, email_key, firstname, lastname, accountid, createdon, modifiedon, rowversion) values (?, ?, ?, ?, ?, ?, ?, ?, 1)',
    );
    const insertIncident = db.prepare(
      'insert into incident (id, title, description, status, priority, customerid, accountid, internalnotes, createdon, modifiedon, rowversion) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)',
    );
    const insertNote = db.prepare('insert into note (id, text, incidentid, createdon, modifiedon, rowversion) values (?, ?, ?, ?, ?, 1)');
    const insertAttachment = db.prepare('insert into attachment (id, filename, noteid, createdon, modifiedon, rowversion) values (?, ?, ?, ?, ?, 1)');

    const counts = { accounts: 0, contacts: 0, incidents: 0, notes: 0, attachments: 0 };
    const reach = { contactAIncidents: 0, contactAOpenIncidents: 0, accountAIncidents: 0, contactANotes: 0, contactAAttachments: 0 };
    db.transaction(() => {
      // Contacts by index: 0 is A and 1 the Partner Manager (both in account A), the rest generated,
      // `contactsPerAccount` per account. The Support Agent owns nothing.
      const contactIds: string[] = [];
      const contactAccounts: string[] = [];
      for (let account = 0; account < size.accounts; account++) {
        const accountId = account === 0 ? ACCOUNT_A : uuid();
        if (account > 0) {
          insertAccount.run(accountId, `Partner ${account}`, END - SPAN, END - SPAN);
          counts.accounts++;
        }
        for (let member = 0; member < size.contactsPerAccount; member++) {
          let id: string;
          if (account === 0 && member === 0) id = ids.contactA;
          else if (account === 0 && member === 1) id = ids.manager;
          else {
            id = uuid();
            const email = `contact${contactIds.length}@partner${account}.example`;
            insertContact.run(id, email, email, pick(FIRST_NAMES), pick(LAST_NAMES), accountId, END - SPAN, END - SPAN);
            counts.contacts++;
          }
          contactIds.push(id);
          contactAccounts.push(accountId);
        }
      }

      // Every contact owns exactly `incidentsPerContact` incidents, at random moments (a shuffled
      // owner list), inserted in time order as a live system would.
      const total = contactIds.length * size.incidentsPerContact;
      const owners = new Int32Array(total);
      for (let i = 0; i < total; i++) owners[i] = i % contactIds.length;
      for (let i = total - 1; i > 0; i--) {
        const j = next() % (i + 1);
        const swap = owners[i]!;
        owners[i] = owners[j]!;
        owners[j] = swap;
      }
      let attachmentNumber = 0;
      for (let i = 0; i < total; i++) {
        const owner = owners[i]!;
        const createdon = END - SPAN + Math.floor((i * SPAN) / total) + Math.floor(random() * 60_000);
        const roll = random();
        const status = roll < STATUSES[0][1] ? STATUSES[0][0] : roll < STATUSES[0][1] + STATUSES[1][1] ? STATUSES[1][0] : STATUSES[2][0];
        const incidentId = uuid();
        insertIncident.run(
          incidentId,
          `${pick(SUBJECTS)} ${pick(PROBLEMS)} (#${100000 + i})`,
          `Reported through the partner portal. ${pick(NOTE_TEXTS)}`,
          status,
          1 + Math.floor(random() * 4),
          contactIds[owner]!,
          contactAccounts[owner]!,
          random() < 0.2 ? "Internal: check the customer's contract level first." : null,
          createdon,
          createdon + Math.floor(random() * 30 * DAY),
        );
        counts.incidents++;
        const ownedByA = owner === 0;
        if (ownedByA) {
          reach.contactAIncidents++;
          if (status !== 'closed') reach.contactAOpenIncidents++;
        }
        if (contactAccounts[owner] === ACCOUNT_A) reach.accountAIncidents++;
        // 0, 1 or 2 notes (one on average), each with 0, 1 or 2 attachments (one on average).
        const noteCount = spread(random());
        for (let n = 0; n < noteCount; n++) {
          const noteId = uuid();
          const noted = createdon + Math.floor(random() * 7 * DAY);
          insertNote.run(noteId, `${pick(NOTE_KINDS)}: ${pick(NOTE_TEXTS)}`, incidentId, noted, noted);
          counts.notes++;
          if (ownedByA) reach.contactANotes++;
          const attachmentCount = spread(random());
          for (let k = 0; k < attachmentCount; k++) {
            const [kind, extension] = pick(FILE_KINDS);
            const attached = noted + Math.floor(random() * 3_600_000);
            insertAttachment.run(uuid(), `${kind}-${++attachmentNumber}.${extension}`, noteId, attached, attached);
            counts.attachments++;
            if (ownedByA) reach.contactAAttachments++;
          }
        }
      }
    })();
    db.pragma('journal_mode = WAL');
    generated = { counts, reach, ids };
  } finally {
    db.close();
  }
  const megabytes = statSync(file).size / 1_048_576;
  return { ...generated.counts, seconds: (performance.now() - started) / 1000, megabytes, reach: generated.reach, ids: generated.ids };
}

/** 0, 1 or 2 with probabilities 0.3, 0.4, 0.3 (mean 1). */
function spread(roll: number): number {
  return roll < 0.3 ? 0 : roll < 0.7 ? 1 : 2;
}

function requireColumns(db: SQLite.Database, table: string, columns: readonly string[]): void {
  const present = new Set((db.prepare(`select name from pragma_table_info(?)`).all(table) as { name: string }[]).map((row) => row.name));
  if (present.size === 0) throw new Error(`The server did not create the table "${table}".`);
  const missing = columns.filter((column) => !present.has(column));
  if (missing.length > 0) throw new Error(`Table "${table}" lacks the columns ${missing.join(', ')}.`);
}
