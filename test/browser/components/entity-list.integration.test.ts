/**
 * `<pk-entity-list>` against a real `portalkit serve` (test/wtr/portal-server-plugin.mjs): the schema
 * route, create through the generated form, search and sort on the server, edit with the real ETag,
 * delete where the role allows it, and the list closing on sign-out.
 */
import { expect, fixture, html, oneEvent, waitUntil } from '@open-wc/testing';
import { executeServerCommand } from '@web/test-runner-commands';
import { createPortalClient } from '../../../packages/sdk/src/index.js';
import type { PortalClient } from '../../../packages/sdk/src/index.js';
import type { PkEntityList, RowEventDetail } from '../../../packages/components/src/components/entity-list/entity-list.component.js';
import { demoClient } from './support/demo-config.js';
import { $, field, rowButton, rowTitles, settled, submitDialog, type } from './support/entity-list-fixtures.js';
// @ts-expect-error served by the plugin, not a file
import { serverUrl } from '/__portalkit__.js';

interface Fresh { id: string; email: string; password: string }
const fresh = (roles: string[] = []): Promise<Fresh> => executeServerCommand('portalkit-create-contact', { roles }) as Promise<Fresh>;

async function signedIn(roles: string[] = []): Promise<PortalClient> {
  const contact = await fresh(roles);
  const client = createPortalClient({ server: serverUrl, storage: 'memory' });
  await client.ready;
  await client.signIn({ login: contact.email, password: contact.password });
  return client;
}

/** A schema, or the status it was refused with. */
function outcome(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    (value) => value,
    (error: unknown) => ({ refused: (error as { status?: number }).status }),
  );
}

async function createThroughUi(element: PkEntityList, title: string, status: string): Promise<RowEventDetail> {
  $<HTMLButtonElement>(element, '[part="create-button"]')!.click();
  await waitUntil(() => $(element, 'dialog[open] input[name="title"]'), 'the create form');
  type(field(element, 'title'), title);
  type(field<HTMLSelectElement>(element, 'status'), status);
  const created = oneEvent(element, 'pk-row-created');
  await submitDialog(element);
  return ((await created) as CustomEvent<RowEventDetail>).detail;
}

describe('<pk-entity-list> on the real server', () => {
  const clients: PortalClient[] = [];
  beforeEach(() => executeServerCommand('portalkit-reset-rate-limits'));
  afterEach(async () => {
    for (const client of clients.splice(0)) {
      if (client.state.status === 'signedIn') await client.signOut().catch(() => undefined);
      client.dispose();
    }
  });

  it('a contact creates incidents through the form, sees them listed, searches and edits them', async () => {
    const client = await signedIn();
    clients.push(client);
    const element = await fixture<PkEntityList>(html`<pk-entity-list .client=${client} table="incident" columns="title status priority"></pk-entity-list>`);
    await settled(element);
    expect(element.status).to.equal('empty');

    const word = `zq${Math.random().toString(36).slice(2, 8)}`;
    const first = await createThroughUi(element, `Printer ${word} jam`, 'open');
    expect(first.row).to.include({ title: `Printer ${word} jam`, status: 'open' });
    expect(first.row._etag).to.equal('"1"');
    await waitUntil(() => rowTitles(element).includes(`Printer ${word} jam`), 'the new row listed');
    await createThroughUi(element, 'Another thing', 'closed');
    await waitUntil(() => rowTitles(element).length === 2, 'both rows listed');
    // The form never offered the hidden column or the ownership lookups.
    expect(element.shadowRoot!.querySelector('[name="internalnotes"], [name="customerid"]') === null).to.equal(true);

    const search = $<HTMLInputElement>(element, 'input[type="search"]')!;
    search.value = word;
    search.dispatchEvent(new Event('input'));
    await waitUntil(() => rowTitles(element).length === 1, 'the search narrows the list', { timeout: 3000 });
    expect(rowTitles(element)).to.deep.equal([`Printer ${word} jam`]);
    search.value = 'nothing-matches-this';
    search.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter' }));
    await waitUntil(() => element.status === 'empty');
    expect($(element, '[part="empty"]')!.textContent).to.contain('No rows match');
    search.value = '';
    search.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter' }));
    await waitUntil(() => rowTitles(element).length === 2);

    $<HTMLButtonElement>(element, 'button[data-column="title"]')!.click();
    await waitUntil(() => rowTitles(element)[0] === 'Another thing' && $(element, 'thead th')!.getAttribute('aria-sort') === 'ascending');

    // Contacts may not delete incidents: no Delete at all.
    expect(rowButton(element, first.row.id, 'delete') === null).to.equal(true);
    rowButton(element, first.row.id, 'edit')!.click();
    await waitUntil(() => $(element, 'dialog[open] input[name="title"]'), 'the edit form');
    await waitUntil(() => field(element, 'title').value === `Printer ${word} jam`);
    type(field(element, 'title'), `Printer ${word} fixed`);
    const updated = oneEvent(element, 'pk-row-updated');
    await submitDialog(element);
    expect(((await updated) as CustomEvent<RowEventDetail>).detail.row).to.include({ title: `Printer ${word} fixed`, _etag: '"2"' });
    await waitUntil(() => rowTitles(element).includes(`Printer ${word} fixed`));
    await expect(element).to.be.accessible();

    await client.signOut();
    await waitUntil(() => element.status === 'error', 'signed out: the table is closed');
    expect(rowTitles(element)).to.have.length(0);
  });

  it('the test double\'s schema() answers what GET /api/schema/:table answers, for each demo role', async () => {
    for (const roles of [[], ['Partner Managers'], ['Support Agents']]) {
      const real = await signedIn(roles);
      clients.push(real);
      const double = await demoClient({ contact: { id: 'contact-x', roles } });
      for (const table of ['incident', 'note', 'attachment', 'announcement', 'contact', 'account']) {
        expect(await outcome(double.table(table).schema())).to.deep.equal(await outcome(real.table(table).schema()), `${table} for ${roles.join() || 'a contact'}`);
      }
      await real.signOut();
    }
    const anonymous = createPortalClient({ server: serverUrl, storage: 'memory' });
    clients.push(anonymous);
    await anonymous.ready;
    const error = await anonymous.table('incident').schema().then(() => undefined, (rejection: unknown) => rejection);
    expect((error as { status?: number } | undefined)?.status).to.equal(404);
    const doubleError = await (await demoClient()).table('incident').schema().then(() => undefined, (rejection: unknown) => rejection);
    expect((doubleError as { status?: number } | undefined)?.status).to.equal(404);
  });

  it('a support agent deletes with the ETag; a stale ETag is a conflict', async () => {
    const agent = await signedIn(['Support Agents']);
    clients.push(agent);
    const word = `zd${Math.random().toString(36).slice(2, 8)}`;
    const row = await agent.table('incident').create({ title: `Delete ${word}` });
    const element = await fixture<PkEntityList>(html`<pk-entity-list .client=${agent} table="incident" columns="title internalnotes"></pk-entity-list>`);
    await settled(element);
    $<HTMLInputElement>(element, 'input[type="search"]')!.value = word;
    $<HTMLInputElement>(element, 'input[type="search"]')!.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter' }));
    await waitUntil(() => rowTitles(element).length === 1 && rowTitles(element)[0] === `Delete ${word}`);
    rowButton(element, row.id, 'delete')!.click();
    await waitUntil(() => $(element, 'dialog[open]'));
    await agent.table('incident').update(row.id, { internalnotes: 'changed elsewhere' }, { etag: row._etag });
    await submitDialog(element);
    await waitUntil(() => $(element, '[part="conflict"]'), 'the 412 is shown');
    const deleted = oneEvent(element, 'pk-row-deleted');
    await submitDialog(element);
    expect(((await deleted) as CustomEvent<RowEventDetail>).detail.row.id).to.equal(row.id);
    await waitUntil(() => element.status === 'empty');
  });
});
