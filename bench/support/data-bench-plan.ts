/**
 * The shape of the data-list benchmark's data set, shared by the server it seeds and the generator that
 * bulk-fills it: who the benchmark visitors are and how many rows everyone else owns.
 */
export const DATA_BENCH_PASSWORD = 'Bench-Password-2026!';

/** Contact A's account (A and the Partner Manager M work there). */
export const ACCOUNT_A = '0b3c1e52-6a41-4c7e-9d0f-3a2b5c4d6e7f';
/** The staff account the Support Agent belongs to (owns no incidents). */
export const STAFF_ACCOUNT = '5d6e7f80-1a2b-4c3d-8e9f-0a1b2c3d4e5f';

/** The benchmark visitors, seeded with real passwords so they sign in over HTTP. */
export const DATA_BENCH_VISITORS = {
  /** A customer: reads their own incidents (contact scope), notes and attachments on them (parent scope). */
  contactA: { email: 'a@data-bench.example', roles: [] as string[], accountId: ACCOUNT_A },
  /** A Partner Manager in A's account: account incidents ∪ own incidents. */
  manager: { email: 'manager@data-bench.example', roles: ['Partner Managers'], accountId: ACCOUNT_A },
  /** A Support Agent: every incident, note and attachment (global scope, the floor). */
  agent: { email: 'agent@data-bench.example', roles: ['Support Agents'], accountId: STAFF_ACCOUNT },
} as const;

/** How big the generated data set is; `BENCH_INCIDENTS` scales it down for a quick trial run. */
export interface DataBenchSize {
  readonly accounts: number;
  readonly contactsPerAccount: number;
  readonly incidentsPerContact: number;
}

export function dataBenchSize(): DataBenchSize {
  const incidents = Number(process.env['BENCH_INCIDENTS'] ?? 1_000_000);
  const contactsPerAccount = 10;
  const incidentsPerContact = 100;
  const accounts = Math.max(1, Math.round(incidents / (contactsPerAccount * incidentsPerContact)));
  return { accounts, contactsPerAccount, incidentsPerContact };
}
