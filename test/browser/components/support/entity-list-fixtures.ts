import { fixture, html, waitUntil } from '@open-wc/testing';
import type { ApiRow, ListQuery, TableClient } from '@portalkit/sdk';
import '../../../../packages/components/src/components/entity-list/entity-list.js';
import type { PkEntityList } from '../../../../packages/components/src/components/entity-list/entity-list.component.js';
import type { TestPortalClient } from '../../../../packages/sdk/src/testing/index.js';

/** The XSS payloads every row-rendering test feeds in. */
export const XSS = {
  img: '<img src=x onerror="window.__pkXss = 1">',
  script: '<script>window.__pkXss = 2</script>',
  link: 'javascript:window.__pkXss = 3',
};

/** Demo incidents: anna's own (1, 3, xss), another Fabrikam contact's (2, Paul sees it as a partner manager), Paul's own (5), Northwind's (4). */
export function demoIncidents(): Record<string, unknown>[] {
  return [
    { id: 'inc-1', title: 'Printer jam', status: 'open', priority: 2, customerid: 'contact-anna', accountid: 'account-fabrikam', description: 'Tray 2', internalnotes: 'VIP', createdon: '2026-11-20T10:00:00.000Z', modifiedon: '2026-11-20T10:00:00.000Z' },
    { id: 'inc-2', title: 'VPN down', status: 'in progress', priority: 1, customerid: 'contact-fabrikam-other', accountid: 'account-fabrikam', createdon: '2026-11-20T11:00:00.000Z', modifiedon: '2026-11-20T11:00:00.000Z' },
    { id: 'inc-3', title: 'Laptop battery', status: 'closed', priority: 3, customerid: 'contact-anna', accountid: 'account-fabrikam', createdon: '2026-11-20T12:00:00.000Z', modifiedon: '2026-11-20T12:00:00.000Z' },
    { id: 'inc-4', title: 'Northwind outage', status: 'open', priority: 1, customerid: 'contact-nora', accountid: 'account-northwind', createdon: '2026-11-20T13:00:00.000Z', modifiedon: '2026-11-20T13:00:00.000Z' },
    { id: 'inc-5', title: 'Paul request', status: 'open', priority: 2, customerid: 'contact-paul', accountid: 'account-fabrikam', createdon: '2026-11-20T14:00:00.000Z', modifiedon: '2026-11-20T14:00:00.000Z' },
    { id: 'inc-xss', title: XSS.img, status: 'open', priority: 5, customerid: 'contact-anna', accountid: 'account-fabrikam', description: `${XSS.script} ${XSS.link}`, createdon: '2026-11-20T15:00:00.000Z', modifiedon: '2026-11-20T15:00:00.000Z' },
  ];
}

/** `count` incidents of anna's, titled `Incident 001`…, for paging. */
export function manyIncidents(count: number, customerid = 'contact-anna'): Record<string, unknown>[] {
  return Array.from({ length: count }, (_, index) => ({
    id: `bulk-${String(index + 1).padStart(4, '0')}`,
    title: `Incident ${String(index + 1).padStart(3, '0')}`,
    status: 'open',
    priority: index % 5,
    customerid,
    accountid: 'account-fabrikam',
  }));
}

/** Every call the element makes through `client.table(...)`, recorded. */
export interface Calls {
  list: { table: string; query: ListQuery | undefined }[];
  update: { id: string; patch: Record<string, unknown>; etag: string | undefined }[];
  delete: { id: string; etag: string | undefined }[];
  create: Record<string, unknown>[];
  associate: { id: string; column: string; target: string }[];
}

/**
 * Records the table calls of `client` (the double's own behaviour is kept). With `acceptSearch`, a
 * `search` is recorded and then dropped (the double refuses it; the real server is tested elsewhere).
 */
export function recordCalls(client: TestPortalClient, options: { acceptSearch?: boolean } = {}): Calls {
  const calls: Calls = { list: [], update: [], delete: [], create: [], associate: [] };
  const original = client.table.bind(client);
  client.table = (<R extends ApiRow = ApiRow>(name: string): TableClient<R> => {
    const table = original<R>(name);
    return {
      ...table,
      list: (query) => {
        calls.list.push({ table: name, query });
        if (options.acceptSearch && query?.search !== undefined) {
          const { search: _search, ...rest } = query;
          return table.list(rest);
        }
        return table.list(query);
      },
      create: (values) => (calls.create.push(values), table.create(values)),
      update: (id, patch, condition) => (calls.update.push({ id, patch, etag: condition?.etag }), table.update(id, patch, condition)),
      delete: (id, condition) => (calls.delete.push({ id, etag: condition?.etag }), table.delete(id, condition)),
      associate: (id, association) => (calls.associate.push({ id, ...association }), table.associate(id, association)),
    };
  }) as TestPortalClient['table'];
  return calls;
}

/** An element on `client`, waited until it has left `loading`. */
export async function entityList(client: TestPortalClient | import('@portalkit/sdk').PortalClient, attributes: { table?: string; columns?: string; pageSize?: number; orderBy?: string } = {}): Promise<PkEntityList> {
  const element = await fixture<PkEntityList>(html`<pk-entity-list
    .client=${client}
    table=${attributes.table ?? 'incident'}
    columns=${attributes.columns ?? 'title status priority'}
    page-size=${attributes.pageSize ?? 20}
    order-by=${attributes.orderBy ?? ''}
  ></pk-entity-list>`);
  await settled(element);
  return element;
}

/** Waits until the element is not loading and has rendered. */
export async function settled(element: PkEntityList): Promise<void> {
  await waitUntil(() => element.status !== 'loading', 'the list did not finish loading', { timeout: 4000 });
  await element.updateComplete;
}

export const $ = <T extends Element = HTMLElement>(element: PkEntityList, selector: string): T | null => element.shadowRoot!.querySelector<T>(selector);
export const $$ = <T extends Element = HTMLElement>(element: PkEntityList, selector: string): T[] => [...element.shadowRoot!.querySelectorAll<T>(selector)];

/** The text of each body row's first cell (its row header). */
export function rowTitles(element: PkEntityList): string[] {
  return $$(element, 'tbody tr').map((row) => row.querySelector('th')?.textContent?.trim() ?? '');
}

export function rowButton(element: PkEntityList, id: string, action: 'edit' | 'delete' | 'associate'): HTMLButtonElement | null {
  return $<HTMLButtonElement>(element, `tbody tr[data-id="${id}"] button[data-action="${action}"]`);
}

/** The open dialog's form. */
export function dialogForm(element: PkEntityList): HTMLFormElement {
  const form = $<HTMLFormElement>(element, 'dialog[open] form');
  if (!form) throw new Error('no open dialog');
  return form;
}

export function field<T extends HTMLElement = HTMLInputElement>(element: PkEntityList, name: string): T {
  const control = dialogForm(element).elements.namedItem(name);
  if (!control) throw new Error(`no field ${name}`);
  return control as unknown as T;
}

/** Types into a control as a visitor would (value + input event). */
export function type(control: HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement, value: string): void {
  control.value = value;
  control.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
  control.dispatchEvent(new Event('change', { bubbles: true, composed: true }));
}

export async function submitDialog(element: PkEntityList): Promise<void> {
  dialogForm(element).requestSubmit();
  await element.updateComplete;
}
