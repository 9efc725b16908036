/**
 * `<pk-entity-list>` loads its create/edit/delete/associate dialog on first use. A file of its own: each
 * test file gets a fresh page, so nothing has downloaded the dialog before the first test here.
 */
import { expect, waitUntil } from '@open-wc/testing';
import { setRowDialogImporterForTesting } from '../../../packages/components/src/components/entity-list/load-row-dialog.js';
import { DEMO, demoClient } from './support/demo-config.js';
import { $, demoIncidents, entityList, rowButton, rowTitles, settled } from './support/entity-list-fixtures.js';

// Chromium keeps 250 resource entries by default and drops later ones: room for every module of the page.
const entriesBeforeThisFile = performance.getEntriesByType('resource').length;
performance.setResourceTimingBufferSize(100_000);

/** The modules only the dialog needs, as the page fetched them (the test server serves `.js` from `.ts`). */
const LAZY_MODULE = /\/components\/entity-list\/(row-dialog|row-form|lookup-options)\.(js|ts)(\?|$)/;
const lazyModulesFetched = (): string[] =>
  performance.getEntriesByType('resource').map((entry) => entry.name).filter((name) => LAZY_MODULE.test(name));

describe('<pk-entity-list>: the dialog loads on first use', () => {
  it('lists rows without downloading the dialog; Create is aria-busy while it loads, then the dialog opens', async () => {
    // Had the buffer filled before this file ran, a module fetched then could be missing from the entries.
    expect(entriesBeforeThisFile).to.be.below(250);
    const client = await demoClient({ contact: DEMO.anna, tables: { incident: demoIncidents() } });
    const element = await entityList(client);
    expect(rowTitles(element)).to.have.length(3);
    expect(performance.getEntriesByType('resource').some((entry) => /\/entity-list\/entity-list\.component\.(js|ts)/.test(entry.name))).to.equal(true, 'the list module is in the entries');
    expect(lazyModulesFetched()).to.deep.equal([]);
    expect(customElements.get('pk-field')).to.equal(undefined, '<pk-field> is the dialog\'s, not the list\'s');
    expect($(element, 'dialog') === null).to.equal(true);

    const create = $<HTMLButtonElement>(element, '[part="create-button"]')!;
    create.focus();
    create.click();
    expect(create.getAttribute('aria-busy')).to.equal('true');
    expect(create.disabled).to.equal(false);
    await waitUntil(() => $(element, 'dialog[open] input[name="title"]'), 'the create form');
    expect(create.hasAttribute('aria-busy')).to.equal(false);
    expect(element.shadowRoot!.activeElement === $(element, 'input[name="title"]')).to.equal(true);
    expect(lazyModulesFetched().some((name) => name.includes('/row-dialog.'))).to.equal(true);
    expect(lazyModulesFetched().some((name) => name.includes('/row-form.'))).to.equal(true);
    $<HTMLButtonElement>(element, 'dialog [data-action="cancel"]')!.click();
    await waitUntil(() => !$(element, 'dialog[open]'));
    expect(element.shadowRoot!.activeElement === create).to.equal(true);
  });

  it('a failed download shows the list\'s error with Retry, keeps the rows, and rejects nothing unhandled', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (event: PromiseRejectionEvent): void => {
      unhandled.push(event.reason);
    };
    window.addEventListener('unhandledrejection', onUnhandled);
    // A real network failure cannot be provoked from the page: the import itself is swapped for one that rejects as Chromium does.
    setRowDialogImporterForTesting(() => Promise.reject(new TypeError('Failed to fetch dynamically imported module')));
    try {
      const client = await demoClient({ contact: DEMO.anna, tables: { incident: demoIncidents() } });
      const element = await entityList(client);
      const edit = rowButton(element, 'inc-1', 'edit')!;
      edit.focus();
      edit.click();
      expect(edit.getAttribute('aria-busy')).to.equal('true');
      await waitUntil(() => element.status === 'error', 'the error state');
      await element.updateComplete;
      expect(edit.hasAttribute('aria-busy')).to.equal(false);
      const error = $(element, '[part="error"]')!;
      expect(error.getAttribute('role')).to.equal('alert');
      expect(error.textContent).to.contain('The server cannot be reached');
      expect($(element, '[part="retry-button"]') !== null).to.equal(true);
      expect(rowTitles(element)).to.have.length(3);
      expect($(element, 'dialog') === null).to.equal(true);
      expect(element.shadowRoot!.activeElement === edit).to.equal(true, 'focus stays on Edit');
      await expect(element).to.be.accessible();

      // Back online: Retry reloads the list, and the next press downloads the dialog.
      setRowDialogImporterForTesting();
      $<HTMLButtonElement>(element, '[part="retry-button"]')!.click();
      await waitUntil(() => element.status === 'ready');
      await settled(element);
      expect($(element, '[part="error"]') === null).to.equal(true);
      rowButton(element, 'inc-1', 'edit')!.click();
      await waitUntil(() => $(element, 'dialog[open] input[name="title"]'), 'the edit form');
      // Give a stray rejection a task to surface.
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(unhandled).to.deep.equal([]);
    } finally {
      setRowDialogImporterForTesting();
      window.removeEventListener('unhandledrejection', onUnhandled);
    }
  });
});
