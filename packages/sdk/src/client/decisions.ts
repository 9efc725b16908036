import type { ColumnOperation, Privilege, Row, RowResolver } from '@portalkit/core';
import type { VerifiedPermissionSet } from '../permissions/permission-sets.js';

/**
 * Synchronous UI decisions from the current verified set. Without one (still loading, or the set was
 * rejected) every answer is `false`: the page shows less, never more. The server enforces everything
 * again; these only decide what to show.
 */
export class Decisions {
  constructor(private readonly current: () => VerifiedPermissionSet | null) {}

  can(privilege: Privilege, table: string, row?: Row, resolve?: RowResolver): boolean {
    return this.current()?.rights.can(privilege, table, row, resolve) ?? false;
  }

  hasRole(names: readonly string[]): boolean {
    const rights = this.current()?.rights;
    return rights ? names.some((name) => rights.hasRole(name)) : false;
  }

  canReadPage(path: string): boolean {
    return this.current()?.rights.canReadPage(path) ?? false;
  }

  canColumn(operation: ColumnOperation, table: string, column: string): boolean {
    return this.current()?.rights.canColumn(operation, table, column) ?? false;
  }
}
