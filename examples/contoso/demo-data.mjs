// Demo rows for the Contoso portal: a few hundred incidents across the demo contacts and accounts,
// notes on them, attachments on some notes, and public announcements. Deterministic (a seeded
// generator), inserted once: a database that already has incidents is left alone.
import { randomUUID } from 'node:crypto';

const SUBJECTS = ['Invoice', 'Login', 'Shipment', 'Warranty', 'Portal', 'Order', 'Contract', 'Report', 'Printer', 'License'];
const PROBLEMS = ['does not arrive', 'shows the wrong total', 'fails with an error', 'is delayed', 'needs an update', 'cannot be opened', 'is missing', 'was charged twice'];
const NOTES = ['Called the customer back.', 'Waiting for the logs.', 'Escalated to second line.', 'Workaround sent.', 'Customer confirmed the fix.', 'Reopened: the problem came back.'];
const STATUSES = ['open', 'in progress', 'closed'];

/** A small deterministic generator (mulberry32), so every fresh demo has the same data. */
function generator(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * @param {{ db: import('kysely').Kysely<any>, clock: { now(): number } }} context
 * @param {Array<{ id: string, accountid: string | null }>} customers contacts who own incidents
 * @returns {Promise<{ incidents: number, notes: number }>}
 */
export async function seedDemoData(context, customers, count = 300) {
  const db = context.db;
  const existing = await db.selectFrom('incident').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
  if (Number(existing.n) > 0) return { incidents: 0, notes: 0 };
  const random = generator(2026);
  const pick = (list) => list[Math.floor(random() * list.length)];
  const now = context.clock.now();
  const incidents = [];
  const notes = [];
  const attachments = [];
  for (let i = 0; i < count; i++) {
    const customer = customers[i % customers.length];
    const createdon = now - Math.floor(random() * 90 * 24 * 3600 * 1000);
    const incident = {
      id: randomUUID(),
      title: `${pick(SUBJECTS)} ${pick(PROBLEMS)} (#${1000 + i})`,
      description: `Reported through the partner portal. ${pick(NOTES)}`,
      status: pick(STATUSES),
      priority: 1 + Math.floor(random() * 4),
      customerid: customer.id,
      accountid: customer.accountid,
      internalnotes: random() < 0.3 ? 'Internal: check the customer\'s contract level first.' : null,
      createdon,
      modifiedon: createdon,
      rowversion: 1,
    };
    incidents.push(incident);
    for (let n = Math.floor(random() * 4); n > 0; n--) {
      const note = { id: randomUUID(), text: pick(NOTES), incidentid: incident.id, createdon: createdon + n * 3600_000, modifiedon: createdon + n * 3600_000, rowversion: 1 };
      notes.push(note);
      if (random() < 0.2) {
        attachments.push({ id: randomUUID(), filename: `screenshot-${attachments.length + 1}.png`, noteid: note.id, createdon: note.createdon, modifiedon: note.createdon, rowversion: 1 });
      }
    }
  }
  const announcements = [
    'Scheduled maintenance on Saturday night',
    'New partner pricing from next quarter',
    'The support line now opens at 7:00',
  ].map((headline, i) => ({ id: randomUUID(), headline, published: 1, createdon: now - i * 86400_000, modifiedon: now - i * 86400_000, rowversion: 1 }));
  await db.transaction().execute(async (trx) => {
    for (const [table, rows] of [['incident', incidents], ['note', notes], ['attachment', attachments], ['announcement', announcements]]) {
      for (let start = 0; start < rows.length; start += 100) await trx.insertInto(table).values(rows.slice(start, start + 100)).execute();
    }
  });
  return { incidents: incidents.length, notes: notes.length };
}
