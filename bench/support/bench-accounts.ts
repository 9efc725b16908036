/** The contacts the benchmark server seeds (one per demo role that matters) and their password. */
export const BENCH_PASSWORD = 'Bench-Password-2026!';
export const BENCH_CONTACTS = [
  { email: 'manager@bench.example', roles: ['Partner Managers'], accountId: 'bench-account' },
  { email: 'agent@bench.example', roles: ['Support Agents'] },
] as const;
