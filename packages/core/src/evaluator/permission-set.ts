import type { PortalModel } from '../model/portal-model.js';
import { canonicalJson, defineOwn, fingerprint } from '../util/canonical-json.js';
import { resolveRightsDocument } from './resolve-rights.js';
import type { Visitor } from './resolve-rights.js';
import { Rights } from './rights.js';
import type { RightsDocument } from './rights-document.js';

/**
 * The claims of a signed permission set (DESIGN.md §2). It tells a page what to show; the server never
 * accepts it as proof of anything.
 */
export interface PermissionSetClaims extends RightsDocument {
  /** The server's issuer URL. */
  readonly iss: string;
  /** The site (config `site.audience`). */
  readonly aud: string;
  /** The contact id; absent while nobody is signed in. */
  readonly sub?: string;
  /** The contact's account id, binding `account` scopes in the browser. */
  readonly account?: string;
  /** The session the set was issued to. */
  readonly sid?: string;
  /** Issued at, seconds since the epoch. */
  readonly iat: number;
  /** Expires at, seconds since the epoch. */
  readonly exp: number;
  /** Changes whenever anything that affects this visitor's rights changes (and only then). */
  readonly ver: string;
}

export interface PermissionSetOptions {
  /** The server's issuer URL. */
  readonly issuer: string;
  /** Seconds since the epoch; the clock is the caller's so tests and the server share one. */
  readonly issuedAt: number;
  /** The session id the set is issued to. */
  readonly sessionId?: string | undefined;
}

/**
 * The unsigned permission-set payload for a visitor. Deterministic: the same model, visitor and
 * options give byte-equal JSON.
 */
export function buildPermissionSetClaims(
  model: PortalModel,
  visitor: Visitor,
  options: PermissionSetOptions,
): PermissionSetClaims {
  const rights = resolveRightsDocument(model, visitor);
  const signedIn = Boolean(visitor.contactId);
  // The document is canonical already (and shared): sorting the top level is enough, no deep copy.
  return sortTopLevel<PermissionSetClaims>({
    iss: options.issuer,
    aud: model.site.audience,
    ...(signedIn && visitor.contactId ? { sub: visitor.contactId } : {}),
    ...(signedIn && visitor.accountId ? { account: visitor.accountId } : {}),
    ...(options.sessionId ? { sid: options.sessionId } : {}),
    iat: options.issuedAt,
    exp: options.issuedAt + model.authentication.permissionSetMinutes * 60,
    ver: rightsVersion(rights, visitor),
    ...rights,
  });
}

function sortTopLevel<T extends object>(value: T): T {
  const sorted: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) {
    const member = (value as Record<string, unknown>)[key];
    if (member !== undefined) defineOwn(sorted, key, member);
  }
  return sorted as T;
}

/**
 * The version tag of a visitor's rights: a fingerprint of everything in the set that grants
 * something, so it moves exactly when the rights do and caches can compare it cheaply.
 */
export function rightsVersion(rights: RightsDocument, identity: Pick<Visitor, 'contactId' | 'accountId'>): string {
  // Exactly what the claims carry: no sub or account while signed out, and an empty id is no id.
  const sub = identity.contactId || undefined;
  const account = sub ? identity.accountId || undefined : undefined;
  return fingerprint(canonicalJson([documentFingerprint(rights), sub ?? null, account ?? null]));
}

/** Fingerprints of (frozen, shared) documents, so the per-request version costs a few string operations. */
const documentFingerprints = new WeakMap<RightsDocument, string>();

function documentFingerprint(rights: RightsDocument): string {
  let print = documentFingerprints.get(rights);
  if (print === undefined) {
    print = fingerprint(
      canonicalJson({ roles: rights.roles, tables: rights.tables, columns: rights.columns, pages: rights.pages, website: rights.website }),
    );
    if (Object.isFrozen(rights)) documentFingerprints.set(rights, print);
  }
  return print;
}

/** The evaluator for a (verified) permission set, as the browser uses it. */
export function rightsFromClaims(claims: PermissionSetClaims): Rights {
  return new Rights(claims, { contactId: claims.sub, accountId: claims.account });
}
