/**
 * `<pk-entity-list>` on the test double: states, paging, sorting, actions per role and per row,
 * create / edit (with a 412 conflict) / delete / associate, dialog keyboard behaviour, accessibility,
 * and row data rendered inert.
 */
import { expect, fixture, html, oneEvent, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import { NetworkError, NotFoundError, ValidationError } from '../../../packages/sdk/src/errors/index.js';
import { setPortalLocale } from '../../../packages/components/src/localization/localization.js';
import type { PkEntityList, RowActionDetail, RowEventDetail } from '../../../packages/components/src/components/entity-list/entity-list.component.js';
import { DEMO, demoClient } from './support/demo-config.js';
import {
  $, $$, dialogForm, demoIncidents, entityList, field, manyIncidents, recordCalls, rowButton, rowTitles, settled, submitDialog, type, XSS,
} from './support/entity-list-fixtures.js';

const headerTexts = (element: PkEntityList): string[] => $$(element, 'thead th').map((th) => th.textContent!.replace(/[▲▼↕]/g, '').trim());

describe('<pk-entity-list>: states', () => {
  it('shows a busy status while loading, and makes no request before the client has decided', async () => {
    const client = await demoClient({ loading: true, contact: DEMO.anna, tables: { incident: demoIncidents() } });
    const calls = recordCalls(client);
    const element = await fixture<PkEntityList>(html`<pk-entity-list .client=${client} table="incident"></pk-entity-list>`);
    expect(element.status).to.equal('loading');
    expect($(element, '[part="base"]')!.getAttribute('aria-busy')).to.equal('true');
    expect($(element, '[role="status"]')!.textContent).to.contain('Loading rows');
    expect(calls.list).to.have.length(0);
    await expect(element).to.be.accessible();
    client.settle();
    await settled(element);
    expect(element.status).to.equal('ready');
    expect($(element, '[part="base"]')!.getAttribute('aria-busy')).to.equal('false');
  });

  it('stays busy (with rows hidden) while a slow list is in flight', async () => {
    const client = await demoClient({ contact: DEMO.anna, tables: { incident: demoIncidents() }, latencyMs: 150 });
    const element = await fixture<PkEntityList>(html`<pk-entity-list .client=${client} table="incident"></pk-entity-list>`);
    await element.updateComplete;
    expect(element.status).to.equal('loading');
    expect($(element, 'table') === null).to.equal(true);
    await settled(element);
    expect(rowTitles(element)).to.have.length(3);
  });

  it('lists the rows the visitor may read, with the requested columns, th scope and text cells', async () => {
    const client = await demoClient({ contact: DEMO.anna, tables: { incident: demoIncidents() } });
    const calls = recordCalls(client);
    const element = await entityList(client, { columns: 'title status priority' });
    expect(element.status).to.equal('ready');
    expect(headerTexts(element), 'headers show the configured display names').to.deep.equal(['Title', 'Status', 'Priority', 'Actions']);
    expect($$(element, 'thead th').every((th) => th.getAttribute('scope') === 'col')).to.equal(true);
    expect($$(element, 'tbody th').every((th) => th.getAttribute('scope') === 'row')).to.equal(true);
    expect(rowTitles(element).sort()).to.deep.equal(['Laptop battery', 'Printer jam', XSS.img].sort());
    expect(calls.list[0]!.query).to.deep.include({ select: ['title', 'status', 'priority'], top: 20 });
    expect($(element, 'caption')!.textContent).to.contain('incident');
    await expect(element).to.be.accessible();
  });

  it('shows every readable column by default, never a hidden one', async () => {
    const client = await demoClient({ contact: DEMO.anna, tables: { incident: demoIncidents() } });
    const element = await fixture<PkEntityList>(html`<pk-entity-list .client=${client} table="incident"></pk-entity-list>`);
    await settled(element);
    expect(headerTexts(element)).to.deep.equal(['Title', 'Description', 'Status', 'Priority', 'Customer', 'Account', 'Actions']);
    expect(element.shadowRoot!.textContent).not.to.contain('VIP');
    client.setRoles(['Support Agents']);
    await waitUntil(() => headerTexts(element).includes('Internal notes'), 'Internal notes after the role change');
    await settled(element);
    expect(element.shadowRoot!.textContent).to.contain('VIP');
  });

  it('loads again when given another client', async () => {
    const element = await entityList(await demoClient({ contact: DEMO.anna, tables: { incident: demoIncidents() } }));
    expect(rowTitles(element)).to.have.length(3);
    element.client = await demoClient({ contact: DEMO.anna, tables: { incident: manyIncidents(2) } });
    await waitUntil(() => rowTitles(element).length === 2, 'the other client\'s rows');
  });

  it('shows the empty state', async () => {
    const client = await demoClient({ contact: DEMO.anna, tables: { incident: [] } });
    const element = await entityList(client);
    expect(element.status).to.equal('empty');
    expect($(element, '[part="empty"]')!.textContent).to.contain('There are no rows');
    expect($(element, 'table') === null).to.equal(true);
    expect($(element, '[part="create-button"]') !== null).to.equal(true);
    await expect(element).to.be.accessible();
  });

  it('shows an error with Retry, which loads again', async () => {
    const client = await demoClient({ contact: DEMO.anna, tables: { incident: demoIncidents() } });
    client.failNext('list', new NetworkError('offline', { status: 0, code: 'network-error' }));
    const element = await entityList(client);
    expect(element.status).to.equal('error');
    const alert = $(element, '[role="alert"]')!;
    expect(alert.textContent).to.contain('cannot be reached');
    await expect(element).to.be.accessible();
    $<HTMLButtonElement>(element, '[part="retry-button"]')!.click();
    await waitUntil(() => element.status === 'ready');
    await element.updateComplete;
    expect(rowTitles(element)).to.have.length(3);
    expect($(element, '[part="error"]') === null).to.equal(true);
  });

  it('treats a table the visitor cannot use like an unknown one', async () => {
    const client = await demoClient({ tables: { incident: demoIncidents() } });
    const element = await entityList(client);
    expect(element.status).to.equal('error');
    expect($(element, '[role="alert"]')!.textContent).to.contain('does not exist, or you cannot see it');
    expect(element.shadowRoot!.textContent).not.to.contain('Printer jam');
    const unknown = await entityList(await demoClient({ contact: DEMO.sam }), { table: 'nosuchtable' });
    expect(unknown.status).to.equal('error');
    expect($(unknown, '[role="alert"]')!.textContent).to.contain('does not exist, or you cannot see it');
    await expect(element).to.be.accessible();
  });
});

describe('<pk-entity-list>: paging and sorting', () => {
  it('pages forward with the cursor and back through the cursors it kept', async () => {
    const client = await demoClient({ contact: DEMO.anna, tables: { incident: manyIncidents(45) } });
    const calls = recordCalls(client);
    const element = await entityList(client, { pageSize: 20 });
    expect(rowTitles(element)[0]).to.equal('Incident 001');
    expect($(element, '.page')!.textContent).to.contain('Page 1');
    const previous = $<HTMLButtonElement>(element, '[data-page="previous"]')!;
    const next = $<HTMLButtonElement>(element, '[data-page="next"]')!;
    expect(previous.disabled).to.equal(true);
    next.click();
    await waitUntil(() => rowTitles(element)[0] === 'Incident 021');
    expect(calls.list.at(-1)!.query!.cursor).to.equal('20');
    expect($(element, '.page')!.textContent).to.contain('Page 2');
    next.focus();
    next.click();
    await waitUntil(() => rowTitles(element)[0] === 'Incident 041');
    await element.updateComplete;
    expect(rowTitles(element)).to.have.length(5);
    expect(next.disabled).to.equal(true);
    expect(element.shadowRoot!.activeElement === previous).to.equal(true, 'focus moves off the disabled Next');
    previous.click();
    await waitUntil(() => rowTitles(element)[0] === 'Incident 021');
    expect(calls.list.at(-1)!.query!.cursor).to.equal('20');
    previous.click();
    await waitUntil(() => rowTitles(element)[0] === 'Incident 001');
    expect(calls.list.at(-1)!.query!.cursor).to.equal(undefined);
    expect($(element, '.page')!.textContent).to.contain('Page 1');
    await expect(element).to.be.accessible();
  });

  it('clamps page-size to the server limit', async () => {
    const client = await demoClient({ contact: DEMO.anna, tables: { incident: manyIncidents(3) } });
    const calls = recordCalls(client);
    await entityList(client, { pageSize: 100000 });
    expect(calls.list[0]!.query!.top).to.equal(500);
  });

  it('sorts by sortable headers only (asc, desc, default), with aria-sort, by keyboard too', async () => {
    const client = await demoClient({ contact: DEMO.anna, tables: { incident: demoIncidents() } });
    const calls = recordCalls(client);
    const element = await entityList(client, { columns: 'title description status' });
    const headers = $$(element, 'thead th');
    expect(headers[0]!.getAttribute('aria-sort')).to.equal('none');
    expect(headers[1]!.hasAttribute('aria-sort')).to.equal(false, 'description is not sortable');
    expect(headers[1]!.querySelector('button') === null).to.equal(true);
    const sortTitle = $<HTMLButtonElement>(element, 'button[data-column="title"]')!;
    sortTitle.focus();
    await sendKeys({ press: 'Enter' });
    await waitUntil(() => calls.list.length === 2);
    await settled(element);
    expect(calls.list[1]!.query!.orderBy).to.equal('title asc');
    expect($$(element, 'thead th')[0]!.getAttribute('aria-sort')).to.equal('ascending');
    await sendKeys({ press: 'Space' });
    await waitUntil(() => calls.list.length === 3);
    await settled(element);
    expect(calls.list[2]!.query!.orderBy).to.equal('title desc');
    expect($$(element, 'thead th')[0]!.getAttribute('aria-sort')).to.equal('descending');
    sortTitle.click();
    await waitUntil(() => calls.list.length === 4);
    await settled(element);
    expect(calls.list[3]!.query!.orderBy).to.equal(undefined);
    expect($$(element, 'thead th')[0]!.getAttribute('aria-sort')).to.equal('none');
  });

  it('starts with order-by', async () => {
    const client = await demoClient({ contact: DEMO.anna, tables: { incident: demoIncidents() } });
    const calls = recordCalls(client);
    const element = await entityList(client, { orderBy: 'priority desc' });
    expect(calls.list[0]!.query!.orderBy).to.equal('priority desc');
    expect($$(element, 'thead th')[2]!.getAttribute('aria-sort')).to.equal('descending');
  });

  it('debounces search, sends it trimmed, keeps what was typed and starts again from page 1', async () => {
    const client = await demoClient({ contact: DEMO.anna, tables: { incident: manyIncidents(45) } });
    const calls = recordCalls(client, { acceptSearch: true });
    const element = await entityList(client);
    $<HTMLButtonElement>(element, '[data-page="next"]')!.click();
    await waitUntil(() => $(element, '.page')!.textContent!.includes('Page 2'));
    const search = $<HTMLInputElement>(element, 'input[type="search"]')!;
    const before = calls.list.length;
    for (const text of ['p', 'pr', 'printer ']) {
      search.value = text;
      search.dispatchEvent(new Event('input'));
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(calls.list.length).to.equal(before, 'nothing sent while typing');
    await waitUntil(() => calls.list.length === before + 1, 'one request after the pause');
    await settled(element);
    expect(calls.list.at(-1)!.query).to.deep.include({ search: 'printer' });
    expect(calls.list.at(-1)!.query!.cursor).to.equal(undefined);
    expect(search.value).to.equal('printer ');
    expect($(element, '.page')!.textContent).to.contain('Page 1');
  });

  it('shows search only for tables with searchable columns, and honours searchable="off"', async () => {
    const client = await demoClient({ contact: DEMO.anna, tables: { incident: demoIncidents() } });
    const element = await entityList(client);
    const search = $<HTMLInputElement>(element, 'input[type="search"]')!;
    expect(search !== null).to.equal(true);
    expect(element.shadowRoot!.querySelector(`label[for="${search.id}"]`) !== null).to.equal(true);
    element.searchable = false;
    await element.updateComplete;
    expect($(element, 'input[type="search"]') === null).to.equal(true);
    const attachments = await entityList(await demoClient({ contact: DEMO.anna }), { table: 'attachment', columns: 'filename' });
    expect($(attachments, 'input[type="search"]') === null).to.equal(true, 'attachment has no searchable column');
  });
});

describe('<pk-entity-list>: actions per role and per row', () => {
  it('anna: Create, Edit on her own rows only, no Delete', async () => {
    const element = await entityList(await demoClient({ contact: DEMO.anna, tables: { incident: demoIncidents() } }));
    expect($(element, '[part="create-button"]') !== null).to.equal(true);
    expect(rowButton(element, 'inc-1', 'edit')!.disabled).to.equal(false);
    expect(rowButton(element, 'inc-1', 'delete') === null).to.equal(true);
    expect(rowButton(element, 'inc-1', 'associate') === null).to.equal(true);
    expect(rowButton(element, 'inc-1', 'edit')!.getAttribute('aria-label')).to.equal('Edit Printer jam');
  });

  it('paul: his account\'s rows read-only, his own editable', async () => {
    const element = await entityList(await demoClient({ contact: DEMO.paul, tables: { incident: demoIncidents() } }));
    expect(rowTitles(element).sort()).to.deep.equal(['Laptop battery', 'Paul request', 'Printer jam', 'VPN down', XSS.img].sort());
    expect(rowButton(element, 'inc-2', 'edit')!.disabled).to.equal(true);
    expect(rowButton(element, 'inc-5', 'edit')!.disabled).to.equal(false);
    expect($(element, '[part="create-button"]') !== null).to.equal(true);
    await expect(element).to.be.accessible();
  });

  it('sam: every row, Edit and Delete enabled', async () => {
    const element = await entityList(await demoClient({ contact: DEMO.sam, tables: { incident: demoIncidents() } }));
    expect(rowTitles(element)).to.have.length(6);
    for (const id of ['inc-1', 'inc-4']) {
      expect(rowButton(element, id, 'edit')!.disabled).to.equal(false);
      expect(rowButton(element, id, 'delete')!.disabled).to.equal(false);
    }
  });

  it('anonymous on a public table: rows, no actions, no Create', async () => {
    const client = await demoClient({ tables: { announcement: [{ id: 'a1', headline: 'Welcome', published: true }] } });
    const element = await entityList(client, { table: 'announcement', columns: '' });
    expect(headerTexts(element)).to.deep.equal(['Headline', 'Published']);
    expect(rowTitles(element)).to.deep.equal(['Welcome']);
    expect($$(element, 'tbody td')[0]!.textContent!.trim()).to.equal('Yes');
    expect($(element, '[part="create-button"]') === null).to.equal(true);
    expect($$(element, 'button[data-action]')).to.have.length(0);
  });

  it('follows role changes live (permission set change → re-list)', async () => {
    const client = await demoClient({ contact: DEMO.anna, tables: { incident: demoIncidents() } });
    const element = await entityList(client);
    expect(rowTitles(element)).to.have.length(3);
    client.setRoles(['Support Agents']);
    await waitUntil(() => rowTitles(element).length === 6, 'all rows after the role change');
    expect(rowButton(element, 'inc-4', 'delete')!.disabled).to.equal(false);
    await client.signOut();
    await waitUntil(() => element.status === 'error');
    expect(rowTitles(element)).to.have.length(0);
  });
});

describe('<pk-entity-list>: writes', () => {
  it('creates a row through the generated form; fires pk-row-action then pk-row-created; focus returns to Create', async () => {
    const client = await demoClient({ contact: DEMO.anna, tables: { incident: demoIncidents() } });
    const calls = recordCalls(client);
    const element = await entityList(client);
    const create = $<HTMLButtonElement>(element, '[part="create-button"]')!;
    create.focus();
    create.click();
    await waitUntil(() => $(element, 'dialog[open]'));
    const form = dialogForm(element);
    // Only columns anna may set; ownership lookups are absent, the hidden column too.
    expect([...form.querySelectorAll('label')].map((label) => label.textContent!.trim())).to.deep.equal(['Title', 'Description', 'Status', 'Priority']);
    const title = field(element, 'title');
    expect(title.required).to.equal(true);
    expect(title.maxLength).to.equal(200);
    expect(field<HTMLTextAreaElement>(element, 'description').tagName).to.equal('TEXTAREA');
    expect(field<HTMLSelectElement>(element, 'status').tagName).to.equal('SELECT');
    expect(field(element, 'priority').type).to.equal('number');
    expect(field(element, 'priority').step).to.equal('1');
    expect(element.shadowRoot!.activeElement === title).to.equal(true);
    await expect(element).to.be.accessible();

    const actions: RowActionDetail[] = [];
    element.addEventListener('pk-row-action', (event) => actions.push((event as CustomEvent<RowActionDetail>).detail));
    type(title, 'New <b>ticket</b>');
    type(field<HTMLSelectElement>(element, 'status'), 'in progress');
    type(field(element, 'priority'), '4');
    const created = oneEvent(element, 'pk-row-created');
    await submitDialog(element);
    const { detail } = (await created) as CustomEvent<RowEventDetail>;
    expect(detail.row).to.include({ title: 'New <b>ticket</b>', status: 'in progress', priority: 4, customerid: 'contact-anna' });
    expect(actions).to.deep.equal([{ action: 'create', table: 'incident', values: { title: 'New <b>ticket</b>', status: 'in progress', priority: 4 } }]);
    expect(calls.create).to.have.length(1);
    await waitUntil(() => rowTitles(element).includes('New <b>ticket</b>'));
    expect($(element, 'dialog[open]') === null).to.equal(true);
    expect(element.shadowRoot!.activeElement === create).to.equal(true);
    expect($(element, '[role="status"]')!.textContent).to.contain('Row created');
  });

  it('a cancelled pk-row-action stops the write', async () => {
    const client = await demoClient({ contact: DEMO.anna, tables: { incident: demoIncidents() } });
    const calls = recordCalls(client);
    const element = await entityList(client);
    element.addEventListener('pk-row-action', (event) => event.preventDefault());
    $<HTMLButtonElement>(element, '[part="create-button"]')!.click();
    await waitUntil(() => $(element, 'dialog[open]'));
    type(field(element, 'title'), 'Stopped');
    await submitDialog(element);
    expect(calls.create).to.have.length(0);
    expect($(element, 'dialog[open]') !== null).to.equal(true);
  });

  it('shows ValidationError messages next to their fields', async () => {
    const client = await demoClient({ contact: DEMO.anna, tables: { incident: demoIncidents() } });
    const element = await entityList(client);
    $<HTMLButtonElement>(element, '[part="create-button"]')!.click();
    await waitUntil(() => $(element, 'dialog[open]'));
    type(field(element, 'title'), 'Bad');
    client.failNext('create', new ValidationError('invalid', { status: 400, code: 'validation-failed', problem: { errors: [{ path: '/title', message: 'is not allowed here' }, { path: '/other', message: 'something else' }] } }));
    await submitDialog(element);
    await waitUntil(() => field(element, 'title').getAttribute('aria-invalid') === 'true');
    const title = field(element, 'title');
    const message = element.shadowRoot!.getElementById(title.getAttribute('aria-describedby')!.split(' ').at(-1)!)!;
    expect(message.textContent).to.equal('is not allowed here');
    expect(title.closest('pk-field')!.hasAttribute('invalid')).to.equal(true);
    expect($(element, '[part="form-error"]')!.textContent).to.contain('something else');
    expect(element.shadowRoot!.activeElement === title).to.equal(true);
    await expect(element).to.be.accessible();
  });

  it('edits with the row ETag; a 412 shows the newer values, and saving again succeeds', async () => {
    const client = await demoClient({ contact: DEMO.anna, tables: { incident: demoIncidents() } });
    const calls = recordCalls(client);
    const element = await entityList(client);
    const edit = rowButton(element, 'inc-1', 'edit')!;
    edit.click();
    await waitUntil(() => $(element, 'dialog[open] input[name="title"]'));
    expect(field(element, 'title').value).to.equal('Printer jam');
    // Unwritable columns are read-only, hidden ones absent.
    expect(field(element, 'customerid').readOnly).to.equal(true);
    expect(dialogForm(element).elements.namedItem('internalnotes') === null).to.equal(true);

    client.touchRow('incident', 'inc-1', { title: 'Printer jam (escalated)', priority: 1 });
    type(field(element, 'title'), 'Printer fixed');
    await submitDialog(element);
    await waitUntil(() => $(element, '[part="conflict"]'), 'the conflict message');
    await element.updateComplete;
    expect(calls.update[0]).to.deep.equal({ id: 'inc-1', patch: { title: 'Printer fixed' }, etag: '"1"' });
    expect(field(element, 'title').value).to.equal('Printer jam (escalated)');
    expect(field(element, 'priority').value).to.equal('1');
    expect(dialogForm(element).textContent).to.contain('Your value: Printer fixed');
    await expect(element).to.be.accessible();

    type(field(element, 'title'), 'Printer fixed');
    const updated = oneEvent(element, 'pk-row-updated');
    await submitDialog(element);
    const { detail } = (await updated) as CustomEvent<RowEventDetail>;
    expect(detail.row).to.include({ id: 'inc-1', title: 'Printer fixed', priority: 1 });
    expect(calls.update[1]).to.deep.equal({ id: 'inc-1', patch: { title: 'Printer fixed' }, etag: '"2"' });
    await waitUntil(() => rowTitles(element).includes('Printer fixed'));
    expect(element.shadowRoot!.activeElement === edit).to.equal(true);
  });

  it('an edit whose row cannot be read shows why, and no form', async () => {
    const client = await demoClient({ contact: DEMO.anna, tables: { incident: demoIncidents() } });
    const element = await entityList(client);
    client.failNext('get', new NotFoundError('gone', { status: 404, code: 'row-not-found' }));
    rowButton(element, 'inc-1', 'edit')!.click();
    await waitUntil(() => $(element, 'dialog[open] [part="form-error"]'));
    expect($(element, 'dialog [part="form-error"]')!.textContent).to.contain('no longer exists');
    expect($(element, 'dialog input[name="title"]') === null).to.equal(true);
    await expect(element).to.be.accessible();
  });

  it('Escape closes the dialog and focus returns to the trigger; Cancel too', async () => {
    const client = await demoClient({ contact: DEMO.anna, tables: { incident: demoIncidents() } });
    const element = await entityList(client);
    const edit = rowButton(element, 'inc-3', 'edit')!;
    edit.focus();
    edit.click();
    await waitUntil(() => $(element, 'dialog[open] input[name="title"]'));
    await element.updateComplete;
    expect(element.shadowRoot!.activeElement?.getAttribute('name')).to.equal('title');
    await sendKeys({ press: 'Escape' });
    await waitUntil(() => !$(element, 'dialog[open]'));
    await waitUntil(() => element.shadowRoot!.activeElement === edit, 'focus back on Edit');

    const create = $<HTMLButtonElement>(element, '[part="create-button"]')!;
    create.click();
    await waitUntil(() => $(element, 'dialog[open]'));
    $<HTMLButtonElement>(element, 'dialog [data-action="cancel"]')!.click();
    await waitUntil(() => !$(element, 'dialog[open]'));
    expect(element.shadowRoot!.activeElement === create).to.equal(true);
  });

  it('keeps Tab inside the open dialog', async () => {
    const client = await demoClient({ contact: DEMO.anna, tables: { incident: demoIncidents() } });
    const element = await entityList(client);
    $<HTMLButtonElement>(element, '[part="create-button"]')!.click();
    await waitUntil(() => $(element, 'dialog[open]'));
    const dialog = $(element, 'dialog')!;
    for (let i = 0; i < 12; i++) {
      await sendKeys({ press: 'Tab' });
      const active = element.shadowRoot!.activeElement;
      if (active) expect(dialog.contains(active)).to.equal(true, `Tab ${i + 1} left the dialog for ${active.outerHTML.slice(0, 60)}`);
    }
  });

  it('deletes after confirmation with the ETag; a stale ETag asks again', async () => {
    const client = await demoClient({ contact: DEMO.sam, tables: { incident: demoIncidents() } });
    const calls = recordCalls(client);
    const element = await entityList(client);
    rowButton(element, 'inc-4', 'delete')!.click();
    await waitUntil(() => $(element, 'dialog[open]'));
    expect(dialogForm(element).textContent).to.contain('Delete "Northwind outage"?');
    await expect(element).to.be.accessible();
    client.touchRow('incident', 'inc-4', { title: 'Northwind outage (update)' });
    await submitDialog(element);
    await waitUntil(() => $(element, '[part="conflict"]'));
    expect(calls.delete[0]).to.deep.equal({ id: 'inc-4', etag: '"1"' });
    await waitUntil(() => rowTitles(element).includes('Northwind outage (update)'), 'the list shows the newer row');
    await waitUntil(() => dialogForm(element).textContent!.includes('Northwind outage (update)'));
    const deleted = oneEvent(element, 'pk-row-deleted');
    await submitDialog(element);
    expect(((await deleted) as CustomEvent<RowEventDetail>).detail.row.id).to.equal('inc-4');
    expect(calls.delete[1]).to.deep.equal({ id: 'inc-4', etag: '"2"' });
    await waitUntil(() => !rowTitles(element).some((title) => title.startsWith('Northwind')));
    expect($(element, 'dialog[open]') === null).to.equal(true);
    expect(element.shadowRoot!.activeElement === $(element, '.table-wrap')).to.equal(true);
  });

  it('associates a note with one of the visitor\'s incidents when the row allows append', async () => {
    const client = await demoClient({
      contact: DEMO.anna,
      tables: {
        incident: demoIncidents(),
        note: [{ id: 'note-1', text: 'Called the vendor', incidentid: 'inc-1' }],
      },
    });
    const calls = recordCalls(client);
    const element = await entityList(client, { table: 'note', columns: 'text incidentid' });
    const associate = rowButton(element, 'note-1', 'associate')!;
    expect(associate.disabled).to.equal(false);
    associate.click();
    await waitUntil(() => $(element, 'dialog[open] select[name="target"]'), 'target options from readable incidents');
    const target = field<HTMLSelectElement>(element, 'target');
    expect([...target.options].map((option) => option.value).sort()).to.deep.equal(['inc-1', 'inc-3', 'inc-xss']);
    expect([...target.options].find((option) => option.value === 'inc-xss')!.textContent).to.equal(XSS.img);
    await expect(element).to.be.accessible();
    type(target, 'inc-3');
    const updated = oneEvent(element, 'pk-row-updated');
    await submitDialog(element);
    expect(((await updated) as CustomEvent<RowEventDetail>).detail.row).to.include({ id: 'note-1', incidentid: 'inc-3' });
    expect(calls.associate).to.deep.equal([{ id: 'note-1', column: 'incidentid', target: 'inc-3' }]);
  });
});

describe('<pk-entity-list>: hostile row data', () => {
  it('renders markup and javascript: URLs as text, in cells, forms and confirmations', async () => {
    delete (window as { __pkXss?: unknown }).__pkXss;
    const client = await demoClient({ contact: DEMO.sam, tables: { incident: demoIncidents() } });
    const element = await entityList(client, { columns: 'title description' });
    const root = element.shadowRoot!;
    expect(root.querySelector('img, script, a, iframe, [onerror]') === null).to.equal(true);
    expect(rowTitles(element)).to.include(XSS.img);
    expect(root.textContent).to.contain(XSS.link);
    rowButton(element, 'inc-xss', 'edit')!.click();
    await waitUntil(() => $(element, 'dialog[open] input[name="title"]'));
    expect(field(element, 'title').value).to.equal(XSS.img);
    expect(root.querySelector('img, script, a, iframe, [onerror]') === null).to.equal(true);
    $<HTMLButtonElement>(element, 'dialog [data-action="cancel"]')!.click();
    await waitUntil(() => !$(element, 'dialog[open]'));
    rowButton(element, 'inc-xss', 'delete')!.click();
    await waitUntil(() => $(element, 'dialog[open]'));
    expect(dialogForm(element).textContent).to.contain(XSS.img);
    expect(root.querySelector('img, script, a, iframe, [onerror]') === null).to.equal(true);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect((window as { __pkXss?: unknown }).__pkXss).to.equal(undefined);
  });
});

describe('<pk-entity-list>: localization', () => {
  it('follows the portal locale', async () => {
    const client = await demoClient({ contact: DEMO.anna, tables: { incident: manyIncidents(25) } });
    const element = await entityList(client);
    try {
      await setPortalLocale('fr');
      await element.updateComplete;
      expect($(element, '[part="create-button"]')!.textContent!.trim()).to.equal('Créer');
      expect($(element, '.page')!.textContent).to.contain('Page 1');
      expect($(element, '[data-page="next"]')!.textContent!.trim()).to.equal('Suivant');
      expect(rowButton(element, 'bulk-0001', 'edit')!.getAttribute('aria-label')).to.equal('Modifier Incident 001');
      await expect(element).to.be.accessible();
    } finally {
      await setPortalLocale('en');
    }
    await element.updateComplete;
    expect($(element, '[part="create-button"]')!.textContent!.trim()).to.equal('Create');
  });
});
