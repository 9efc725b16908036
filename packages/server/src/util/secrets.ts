import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';

/** A new random id for a row. */
export function newId(): string {
  return randomUUID();
}

/** A bearer secret (session id, reset token, invitation code): 256 random bits, base64url. */
export function newSecret(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

/**
 * How secrets are stored: SHA-256, hex. They carry 256 bits of entropy, so a fast hash is enough and a
 * database leak does not hand out live sessions or tokens.
 */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** Constant-time string comparison for values an attacker may probe. */
export function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  return left.length === right.length && timingSafeEqual(left, right);
}
