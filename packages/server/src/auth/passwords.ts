import { availableParallelism } from 'node:os';
import { hash, verify } from '@node-rs/argon2';
import type { AuthenticationSettings } from '@portalkit/core';
import { Problem } from '../http/problem.js';
import { Gate } from '../util/gate.js';

/**
 * argon2id with OWASP's minimum parameters (19 MiB, 2 passes, 1 lane): ~65 ms here, memory-hard, so a
 * stolen table is slow to attack. Parameters live in the encoded hash, so raising them later only
 * affects new hashes and verification keeps working.
 */
const ARGON2_OPTIONS = { // 2 is Algorithm.Argon2id (a const enum, which isolated modules cannot import).
  algorithm: 2, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

/** Hard ceiling whatever the policy says: hashing is the expensive part, never feed it megabytes. */
export const ABSOLUTE_MAX_PASSWORD_LENGTH = 1024;

/**
 * Hashing is bounded: at most one argon2 computation per core at a time (each takes 19 MiB and
 * ~65 ms of a core) and a short queue behind them. Beyond that the server answers 429 at once
 * instead of queueing without end, so a sign-in flood degrades to fast refusals, never to a
 * collapse, and the rest of the API keeps its latency.
 */
const hashingGate = new Gate(Math.max(1, availableParallelism()), 32);

const serverBusy = (): Problem =>
  new Problem(429, 'server-busy', 'Too many sign-ins at once', 'The server is busy; try again in a moment.', {
    retryAfterSeconds: 1,
  });

function gated<T>(work: () => Promise<T>): Promise<T> {
  const run = hashingGate.run(work);
  if (run === undefined) throw serverBusy();
  return run;
}

/**
 * Refuses at once when no password can be checked soon. Routes call it before any other work, so a
 * flood is answered for the price of a 429, not of the database writes that would precede the hash.
 */
export function refuseWhenHashingSaturated(): void {
  if (hashingGate.full) throw serverBusy();
}

export function hashPassword(password: string): Promise<string> {
  return gated(() => hash(password.normalize('NFC'), ARGON2_OPTIONS));
}

export async function verifyPassword(encoded: string, password: string): Promise<boolean> {
  return gated(async () => {
    try {
      return await verify(encoded, password.normalize('NFC'));
    } catch {
      return false;
    }
  });
}

/**
 * A hash of a random password, verified against when the login is unknown, so an unknown login costs
 * the same time as a wrong password and timing does not reveal which contacts exist.
 */
let dummyHash: Promise<string> | undefined;
export async function spendVerificationTime(password: string): Promise<void> {
  dummyHash ??= hashPassword(`dummy-${Math.random()}-${Date.now()}`);
  await verifyPassword(await dummyHash, password);
}

/** Why a password cannot be used, or an empty list. Checked before any hashing. */
export function passwordProblems(password: string, policy: AuthenticationSettings['password']): string[] {
  const problems: string[] = [];
  const length = [...password].length;
  if (password.includes('\u0000')) problems.push('must not contain NUL characters');
  if (length < policy.minLength) problems.push(`must be at least ${policy.minLength} characters long`);
  if (length > Math.min(policy.maxLength, ABSOLUTE_MAX_PASSWORD_LENGTH)) {
    problems.push(`must be at most ${Math.min(policy.maxLength, ABSOLUTE_MAX_PASSWORD_LENGTH)} characters long`);
  }
  const classes = [/\p{Ll}/u, /\p{Lu}/u, /\p{Nd}/u, /[^\p{Ll}\p{Lu}\p{Nd}]/u].filter((pattern) => pattern.test(password)).length;
  if (classes < policy.requiredCharacterClasses) {
    problems.push(
      `must mix at least ${policy.requiredCharacterClasses} of: lower-case letters, upper-case letters, digits, other characters`,
    );
  }
  return problems;
}
