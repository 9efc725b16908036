import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Privilege } from '@portalkit/core';
import type { Kysely } from 'kysely';
import type { ServerContext } from '../../app/context.js';
import { Problem } from '../../http/problem.js';
import { newId } from '../../util/secrets.js';
import { rowPredicateSql } from '../query/row-predicate-sql.js';
import { decodeBody } from '../values/index.js';
import {
  apiRow,
  denied,
  hasGlobalGrant,
  ownershipColumns,
  etagOf,
  readableRow,
  ROW,
  rowAllows,
  rowNotFound,
  rowParams,
  tableParams,
  tableRequest,
} from './table-request.js';
import type { TableRequest } from './table-request.js';
import { checkWritable, ifMatchVersion, ownershipValues, preconditionFailed, preconditionRequired } from './write-checks.js';

/** Rows carry up to a few long text columns; nothing legitimate comes near this. */
const ROW_BODY_LIMIT = 256 * 1024;

interface RowParams {
  table: string;
  id: string;
}

/**
 * Thrown inside a transaction to roll it back and answer with `problem`. A refusal to audit is audited
 * after the rollback: SQLite has one connection, and the transaction holds it.
 */
class Refusal extends Error {
  constructor(
    readonly problem: Problem,
    readonly audit?: { readonly privilege: Privilege; readonly detail: Record<string, unknown> },
  ) {
    super(problem.message);
  }
}

async function inTransaction<T>(t: TableRequest, request: FastifyRequest, work: (trx: Kysely<any>) => Promise<T>): Promise<T> {
  try {
    return await t.db.transaction().execute(work);
  } catch (error) {
    if (error instanceof Refusal) {
      if (error.audit) await denied(t, request, error.audit.privilege, error.audit.detail, error.problem);
      throw error.problem;
    }
    if (/FOREIGN KEY constraint failed|violates foreign key constraint/i.test(String((error as Error).message))) {
      throw new Problem(409, 'row-referenced', 'The row is in use', 'Other rows refer to this row; remove those references first.');
    }
    throw error;
  }
}

function invalidBody(problems: readonly { path: string; message: string }[]): Problem {
  return new Problem(400, 'validation-failed', 'The request is not valid', 'One or more fields are not valid.', { errors: problems });
}

/**
 * Single-row routes of the data API. Every one decides in SQL, from the evaluator's row predicate:
 * a row the visitor may not read is 404, exactly like a row that does not exist.
 */
export async function rowRoutes(app: FastifyInstance, context: ServerContext): Promise<void> {
  app.get<{ Params: RowParams }>('/api/tables/:table/:id', { schema: { params: rowParams } }, async (request, reply) => {
    const t = await tableRequest(context, request, request.params.table);
    const row = await readableRow(t, request.params.id);
    if (!row) throw await denied(t, request, 'read', { id: request.params.id }, rowNotFound());
    reply.header('ETag', etagOf(row));
    return apiRow(t, row);
  });

  app.post<{ Params: { table: string }; Body: unknown }>(
    '/api/tables/:table',
    { bodyLimit: ROW_BODY_LIMIT, schema: { params: tableParams, body: { type: 'object' } } },
    async (request, reply) => {
      const t = await tableRequest(context, request, request.params.table);
      if (!t.rights.can('create', t.table.name)) {
        throw await denied(t, request, 'create', {}, new Problem(403, 'permission-denied', 'Not allowed', `You cannot create ${t.table.name} rows.`));
      }
      const { values, problems } = decodeBody(t.table, request.body, 'create');
      if (problems.length > 0) throw invalidBody(problems);
      const id = newId();
      const created = await inTransaction(t, request, async (trx) => {
        await refuseUnwritable(t, values, 'create', trx);
        const now = context.clock.now();
        await trx
          .insertInto(t.table.name)
          .values({ ...values, ...ownershipValues(t), id, createdon: now, modifiedon: now, rowversion: 1 })
          .execute();
        // The new row must fall inside one of the visitor's create grants (e.g. a note's incident must be
        // one of theirs): checked on the row as stored, in SQL, before the transaction commits.
        if (!(await rowAllows(t, id, 'create', trx))) {
          throw new Refusal(new Problem(403, 'permission-denied', 'Not allowed', 'You cannot create this row here.'), { privilege: 'create', detail: { reason: 'outside-scope' } });
        }
        return readableRow(t, id, trx);
      });
      await context.audit.record({ action: 'data-change', outcome: 'success', actor: t.visitor.contactId, subject: `${t.table.name}/${id}`, ip: request.ip, detail: { operation: 'create', columns: Object.keys(values) } });
      reply.status(201).header('Location', `/api/tables/${t.table.name}/${id}`);
      if (!created) return { id };
      reply.header('ETag', etagOf(created));
      return apiRow(t, created);
    },
  );

  app.patch<{ Params: RowParams; Body: unknown }>(
    '/api/tables/:table/:id',
    { bodyLimit: ROW_BODY_LIMIT, schema: { params: rowParams, body: { type: 'object' } } },
    async (request, reply) => {
      const t = await tableRequest(context, request, request.params.table);
      return updateRow(t, request.params.id, request.body, request.headers['if-match'], request, reply);
    },
  );

  app.delete<{ Params: RowParams }>('/api/tables/:table/:id', { schema: { params: rowParams } }, async (request, reply) => {
    const t = await tableRequest(context, request, request.params.table);
    const { id } = request.params;
    const expected = ifMatchVersion(request.headers['if-match']);
    const current = await readableRow(t, id);
    if (!current) throw await denied(t, request, 'delete', { id }, rowNotFound());
    if (Number(current['_can_delete']) !== 1) {
      throw await denied(t, request, 'delete', { id }, new Problem(403, 'permission-denied', 'Not allowed', 'You cannot delete this row.'));
    }
    if (expected === undefined) throw preconditionRequired();
    const filter = t.rights.rowFilter('delete', t.table.name);
    await inTransaction(t, request, async (trx) => {
      const result = await trx
        .deleteFrom(`${t.table.name} as ${ROW}`)
        .where(`${ROW}.id`, '=', id)
        .where(`${ROW}.rowversion`, '=', expected ?? -1)
        .where((eb) => rowPredicateSql(filter, ROW, eb))
        .executeTakeFirst();
      if (Number(result.numDeletedRows) === 0) throw new Refusal(preconditionFailed());
    });
    await context.audit.record({ action: 'data-change', outcome: 'success', actor: t.visitor.contactId, subject: `${t.table.name}/${id}`, ip: request.ip, detail: { operation: 'delete' } });
    return reply.status(204).send();
  });

  app.post<{ Params: RowParams; Body: { column: string; target: string | null } }>(
    '/api/tables/:table/:id/associate',
    {
      schema: {
        params: rowParams,
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['column', 'target'],
          properties: { column: { type: 'string', maxLength: 64 }, target: { type: ['string', 'null'], maxLength: 100 } },
        },
      },
    },
    async (request, reply) => {
      const t = await tableRequest(context, request, request.params.table);
      const { id } = request.params;
      const { column, target } = request.body;
      const lookup = t.table.columns.get(column);
      if (!lookup?.target || !t.readable.includes(column)) {
        throw new Problem(400, 'invalid-row', 'Not a relationship', 'One or more columns cannot be set.', { errors: [{ path: '/column', message: 'is not a lookup column you can set' }] });
      }
      const current = await readableRow(t, id);
      if (!current) throw await denied(t, request, 'append', { id }, rowNotFound());
      const expected = ifMatchVersion(request.headers['if-match']);
      const updated = await inTransaction(t, request, async (trx) => {
        // Associating needs no write privilege: only the relationship's own pair (below), and never an
        // ownership column without a global grant.
        if (ownershipColumns(t).has(column) && !hasGlobalGrant(t, 'write')) {
          throw new Refusal(new Problem(400, 'invalid-row', 'Not a relationship', 'One or more columns cannot be set.', { errors: [{ path: '/column', message: 'is set by the server' }] }), { privilege: 'append', detail: { id, column } });
        }
        if (target !== null && !(await rowAllows(t, target, 'read', trx, lookup.target))) {
          throw new Refusal(new Problem(400, 'invalid-row', 'Not a relationship', 'One or more columns cannot be set.', { errors: [{ path: '/target', message: `does not name a ${lookup.target} row you can see` }] }), { privilege: 'appendTo', detail: { id, column, target } });
        }
        // Associating needs append on this row and appendTo on the row it is attached to.
        const appendable = await rowAllows(t, id, 'append', trx);
        const appendableTo = target === null || (await rowAllows(t, target, 'appendTo', trx, lookup.target));
        if (!appendable || !appendableTo) {
          throw new Refusal(new Problem(403, 'permission-denied', 'Not allowed', 'You cannot associate these rows.'), { privilege: appendable ? 'appendTo' : 'append', detail: { id, column, target } });
        }
        const result = await trx
          .updateTable(t.table.name)
          .set((eb) => ({ [column]: target, modifiedon: context.clock.now(), rowversion: eb(eb.ref('rowversion'), '+', 1) }))
          .where('id', '=', id)
          .$if(expected !== undefined, (query) => query.where('rowversion', '=', expected ?? -1))
          .executeTakeFirst();
        if (Number(result.numUpdatedRows) === 0) throw new Refusal(preconditionFailed());
        return readableRow(t, id, trx);
      });
      await context.audit.record({ action: 'data-change', outcome: 'success', actor: t.visitor.contactId, subject: `${t.table.name}/${id}`, ip: request.ip, detail: { operation: 'associate', column, target } });
      if (!updated) return reply.status(204).send();
      reply.header('ETag', etagOf(updated));
      return apiRow(t, updated);
    },
  );
}

/**
 * PATCH one row (also `PATCH /me`): If-Match required; 404 outside read scope; 403 when readable but
 * not writable; one conditional UPDATE (row version and write scope in its WHERE clause); and the row
 * as stored afterwards must still be writable, so nobody moves a row out of their own reach.
 */
export async function updateRow(
  t: TableRequest,
  id: string,
  body: unknown,
  ifMatch: string | undefined,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<Record<string, unknown>> {
  const current = await readableRow(t, id);
  if (!current) throw await denied(t, request, 'write', { id }, rowNotFound());
  if (Number(current['_can_write']) !== 1) {
    throw await denied(t, request, 'write', { id }, new Problem(403, 'permission-denied', 'Not allowed', 'You cannot change this row.'));
  }
  const expected = ifMatchVersion(ifMatch);
  if (expected === undefined) throw preconditionRequired();
  const { values, problems } = decodeBody(t.table, body, 'update');
  if (problems.length > 0) throw invalidBody(problems);
  const filter = t.rights.rowFilter('write', t.table.name);
  const updated = await inTransaction(t, request, async (trx) => {
    await refuseUnwritable(t, values, 'update', trx);
    const result = await trx
      .updateTable(`${t.table.name} as ${ROW}`)
      .set((eb) => ({ ...values, modifiedon: t.context.clock.now(), rowversion: eb(eb.ref(`${ROW}.rowversion`), '+', 1) }))
      .where(`${ROW}.id`, '=', id)
      .where(`${ROW}.rowversion`, '=', expected ?? -1)
      .where((eb) => rowPredicateSql(filter, ROW, eb))
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) === 0) throw new Refusal(preconditionFailed());
    if (!(await rowAllows(t, id, 'write', trx))) {
      throw new Refusal(new Problem(403, 'permission-denied', 'Not allowed', 'The change would move the row out of your reach.'), { privilege: 'write', detail: { id, reason: 'outside-scope-after' } });
    }
    return readableRow(t, id, trx);
  });
  await t.context.audit.record({ action: 'data-change', outcome: 'success', actor: t.visitor.contactId, subject: `${t.table.name}/${id}`, ip: request.ip, detail: { operation: 'update', columns: Object.keys(values) } });
  if (!updated) {
    reply.status(204);
    return {};
  }
  reply.header('ETag', etagOf(updated));
  return apiRow(t, updated);
}

/** `checkWritable`, its refusal audited after the rollback. */
async function refuseUnwritable(t: TableRequest, values: Readonly<Record<string, unknown>>, operation: 'create' | 'update', trx: Kysely<any>): Promise<void> {
  try {
    await checkWritable(t, values, operation, trx);
  } catch (error) {
    if (error instanceof Problem) throw new Refusal(error, { privilege: operation === 'create' ? 'create' : 'write', detail: { columns: Object.keys(values) } });
    throw error;
  }
}
