/** The dialog's module: the form, its writes and `<pk-field>`. */
export type RowDialogModule = typeof import('./row-dialog.js');

const importModule = (): Promise<RowDialogModule> => import('./row-dialog.js');

let importer = importModule;
let pending: Promise<RowDialogModule> | undefined;

/**
 * The create/edit/delete/associate dialog, downloaded the first time a visitor asks for it: a page that
 * only lists rows never fetches it. Every list on the page shares the one download; a failed one is
 * forgotten, so the next press tries again.
 */
export function loadRowDialog(): Promise<RowDialogModule> {
  pending ??= importer().catch((error: unknown) => {
    pending = undefined;
    throw error;
  });
  return pending;
}

/**
 * Tests only (not exported by the package): a browser test cannot make the real download fail, so it
 * swaps the import for one that rejects, then restores it with no argument.
 * @internal
 */
export function setRowDialogImporterForTesting(next?: () => Promise<RowDialogModule>): void {
  importer = next ?? importModule;
  pending = undefined;
}
