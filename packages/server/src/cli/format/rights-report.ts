import { COLUMN_OPERATIONS, PRIVILEGES, WEBSITE_RIGHTS } from '@portalkit/core';
import type { ColumnOperation, PortalModel, Privilege, Rights, ScopeGrant } from '@portalkit/core';

const COLUMN_PRIVILEGE: Readonly<Record<ColumnOperation, Privilege>> = { read: 'read', update: 'write', create: 'create' };

/** A plain-text report of what a visitor may do: tables, columns, pages, website rights. */
export function formatRightsReport(model: PortalModel, rights: Rights): string {
  const signedIn = rights.visitor.contactId !== undefined;
  const lines = [
    `${model.site.name}: a ${signedIn ? 'signed-in contact' : 'visitor who is not signed in'} with ` +
      `${rights.roles.length === 1 ? 'role' : 'roles'} ${rights.roles.join(', ')}`,
    '',
    'Tables',
  ];
  const tableRows: string[][] = [];
  for (const table of Object.keys(model.tables).sort()) {
    for (const privilege of PRIVILEGES) {
      const grants = rights.document.tables[table]?.[privilege];
      if (grants) tableRows.push([table, privilege, grants.map((grant) => describeGrant(grant, table)).join('; or ')]);
    }
  }
  lines.push(...(tableRows.length > 0 ? formatTable(['TABLE', 'PRIVILEGE', 'ROWS'], tableRows) : ['  (none: no table permission applies)']));

  const columnRows: string[][] = [];
  for (const [table, grants] of Object.entries(rights.document.columns)) {
    const declared = Object.keys(model.tables[table]?.columns ?? {});
    for (const operation of COLUMN_OPERATIONS) {
      // Only where the table privilege is held: without it every column is out of reach anyway.
      if (!rights.can(COLUMN_PRIVILEGE[operation], table)) continue;
      const denied = declared.filter((column) => !grants[operation].includes(column));
      if (denied.length > 0) columnRows.push([table, `cannot ${operation}`, denied.join(', ')]);
    }
  }
  if (columnRows.length > 0) lines.push('', 'Column restrictions', ...formatTable(['TABLE', 'RESTRICTION', 'COLUMNS'], columnRows));

  const pageRules = [...new Set(rights.document.pages.map((rule) => rule.path))];
  if (pageRules.length > 0) {
    lines.push('', 'Pages (and the pages below them)');
    lines.push(
      ...formatTable(
        ['PATH', 'READ', 'CHANGE'],
        pageRules.map((path) => {
          const decision = rights.page(path);
          return [path, decision.read ? 'yes' : 'no', decision.change ? 'yes' : 'no'];
        }),
      ),
    );
  }
  const website = WEBSITE_RIGHTS.filter((right) => rights.canWebsite(right));
  lines.push('', `Website editing: ${website.length > 0 ? website.join(', ') : 'none'}`);
  return lines.join('\n');
}

/** A grant in words, e.g. "rows linked by incidentid to incident rows whose customerid is the visitor". */
export function describeGrant(grant: ScopeGrant, table: string, rows = 'rows'): string {
  switch (grant.scope) {
    case 'global':
      return `all ${rows}`;
    case 'self':
      return "the visitor's own contact row";
    case 'contact':
      return `${rows} whose ${grant.column} is the visitor`;
    case 'account':
      return grant.column === 'id' && table === 'account'
        ? "the visitor's account"
        : `${rows} whose ${grant.column} is the visitor's account`;
    case 'parent':
      return `${rows} linked by ${grant.relationship} to ${describeGrant(grant.parent, grant.table, `${grant.table} rows`)}`;
  }
}

function formatTable(header: readonly string[], rows: readonly string[][]): string[] {
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => row[i]?.length ?? 0)));
  const render = (cells: readonly string[]): string =>
    '  ' + cells.map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  ');
  return [render(header), ...rows.map(render)];
}
