/** A recorded column whose declaration changed in a way that needs it dropped and recreated. */
export interface RefusedChange {
  readonly table: string;
  readonly column: string;
  /** e.g. `integer`, `lookup to incident`. */
  readonly from: string;
  readonly to: string;
  /** One sentence saying what changes and what applying it costs. */
  readonly sentence: string;
}

/**
 * The configuration changes the data schema in ways that would lose data (a column's type or a lookup's
 * target). Nothing was changed. Starting with `--allow-destructive` applies them by dropping and
 * recreating each column, which loses its values.
 */
export class SchemaChangeRefused extends Error {
  constructor(readonly changes: readonly RefusedChange[]) {
    super(
      `The configuration changes ${changes.length === 1 ? 'a column' : `${changes.length} columns`} in ways that would lose data; nothing was changed:\n` +
        changes.map((change) => `  - ${change.sentence}`).join('\n'),
    );
    this.name = 'SchemaChangeRefused';
  }
}

/**
 * The database does not match what PortalKit recorded about it (a table or column exists that it did
 * not create, or one it created is gone). Nothing was changed; a person has to look.
 */
export class SchemaConflict extends Error {
  constructor(readonly conflicts: readonly string[]) {
    super(`The data schema cannot be brought up to date; nothing was changed:\n${conflicts.map((conflict) => `  - ${conflict}`).join('\n')}`);
    this.name = 'SchemaConflict';
  }
}
