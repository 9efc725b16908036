import type { Kysely } from 'kysely';
import type { ColumnOperation } from '@portalkit/core';
import type { FieldProblem } from '../../http/problem.js';
import { Problem } from '../../http/problem.js';
import { hasGlobalGrant, ownershipColumns, rowAllows } from './table-request.js';
import type { TableRequest } from './table-request.js';

/**
 * What a body may set, beyond its shape: only columns the visitor may write for this operation (a
 * hidden column gets the same answer as an unwritable one), never ownership columns without a
 * global grant, and lookups only to rows the visitor can see (a hidden row and a missing one get the
 * same answer).
 */
export async function checkWritable(
  t: TableRequest,
  values: Readonly<Record<string, unknown>>,
  operation: Extract<ColumnOperation, 'create' | 'update'>,
  db: Kysely<any> = t.db,
): Promise<void> {
  const problems: FieldProblem[] = [];
  const ownership = ownershipColumns(t);
  const global = hasGlobalGrant(t, operation === 'create' ? 'create' : 'write');
  for (const column of Object.keys(values)) {
    if (!t.rights.canColumn(operation, t.table.name, column)) {
      problems.push({ path: `/${column}`, message: `is not a column you can ${operation === 'create' ? 'set' : 'change'}` });
    } else if (ownership.has(column) && !global) {
      problems.push({ path: `/${column}`, message: 'is set by the server' });
    }
  }
  if (problems.length === 0) {
    for (const [column, value] of Object.entries(values)) {
      const target = t.table.columns.get(column)?.target;
      if (target === undefined || value === null) continue;
      if (!(await rowAllows(t, String(value), 'read', db, target))) {
        problems.push({ path: `/${column}`, message: `does not name a ${target} row you can see` });
      }
    }
  }
  if (problems.length > 0) {
    throw new Problem(400, 'invalid-row', 'The row is not valid', 'One or more columns cannot be set.', { errors: problems });
  }
}

/**
 * The ownership values a new row gets when the visitor creates through scoped (not global) grants:
 * every `contact`-scope column names the visitor, every `account`-scope column their account.
 */
export function ownershipValues(t: TableRequest): Record<string, string> {
  if (hasGlobalGrant(t, 'create')) return {};
  const values: Record<string, string> = {};
  for (const permission of t.context.config.model.tablePermissions) {
    if (permission.table !== t.table.name) continue;
    const { grant } = permission;
    if (grant.scope === 'contact' && t.visitor.contactId) values[grant.column] = t.visitor.contactId;
    if (grant.scope === 'account' && grant.column !== 'id' && t.visitor.contactId && t.visitor.accountId) values[grant.column] = t.visitor.accountId;
  }
  return values;
}

/** The `If-Match` of a request as a row version; `undefined` when absent (428), `null` when it can never match (412). */
export function ifMatchVersion(header: string | undefined): number | null | undefined {
  if (header === undefined) return undefined;
  const match = /^"(\d{1,15})"$/.exec(header.trim());
  return match ? Number(match[1]) : null;
}

export function preconditionRequired(): Problem {
  return new Problem(428, 'precondition-required', 'If-Match required', 'Send the row\'s ETag in If-Match so a concurrent change is not overwritten.');
}

export function preconditionFailed(): Problem {
  return new Problem(412, 'precondition-failed', 'The row has changed', 'Someone changed the row since you read it; read it again and retry.');
}
