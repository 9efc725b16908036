import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { html, nothing } from 'lit';
import '../packages/components/src/components/entity-list/entity-list.js';
import type { PkEntityList } from '../packages/components/src/components/entity-list/entity-list.component.js';
import { NetworkError } from '../packages/sdk/src/errors/index.js';
import type { TestPortalClient } from '../packages/sdk/src/testing/index.js';
import { demoClient, VISITOR_LABELS, VISITOR_OPTIONS } from './support/demo.js';
import type { DemoVisitor } from './support/demo.js';

interface EntityListArgs {
  /** Who is signed in (a demo contact over the test double). */
  visitor: DemoVisitor;
  table: string;
  columns: string;
  pageSize: number;
  searchable: boolean;
  orderBy: string;
  /** Keep the client loading (story only). */
  loading: boolean;
  /** The first list request fails; Retry loads (story only). */
  failList: boolean;
  /** The table has no rows (story only). */
  empty: boolean;
  /** This many extra incidents, to page through (story only). */
  bulk: number;
}

/** Incidents of the demo: anna's own, another Fabrikam contact's (paul reads them), Paul's own, Northwind's. */
const incidents = [
  { id: 'inc-1', title: 'Printer jam on floor 3', status: 'open', priority: 2, customerid: 'contact-anna', accountid: 'account-fabrikam', description: 'Tray 2 keeps jamming.', internalnotes: 'Send a technician.' },
  { id: 'inc-2', title: 'VPN drops every hour', status: 'in progress', priority: 1, customerid: 'contact-fabrikam-other', accountid: 'account-fabrikam' },
  { id: 'inc-3', title: 'Laptop battery swollen', status: 'closed', priority: 3, customerid: 'contact-anna', accountid: 'account-fabrikam' },
  { id: 'inc-4', title: 'Northwind warehouse outage', status: 'open', priority: 1, customerid: 'contact-nora', accountid: 'account-northwind', internalnotes: 'Escalated to tier 2.' },
  { id: 'inc-5', title: 'New hire account for Paul\'s team', status: 'open', priority: 2, customerid: 'contact-paul', accountid: 'account-fabrikam' },
  { id: 'inc-6', title: '<img src=x onerror="alert(1)"> shows as text', status: 'open', priority: 4, customerid: 'contact-anna', accountid: 'account-fabrikam', description: 'javascript:alert(1) is never a link' },
].map((row, index) => ({ ...row, createdon: new Date(Date.UTC(2026, 10, 20, 9 + index)).toISOString(), modifiedon: new Date(Date.UTC(2026, 10, 20, 9 + index)).toISOString() }));

const notes = [
  { id: 'note-1', text: 'Called the vendor; a part is on its way.', incidentid: 'inc-1' },
  { id: 'note-2', text: 'Battery replaced.', incidentid: 'inc-3' },
];

const announcements = [
  { id: 'ann-1', headline: 'Maintenance on Saturday night', published: true },
  { id: 'ann-2', headline: 'New partner pricing from January', published: true },
];

function bulkIncidents(count: number): Record<string, unknown>[] {
  return Array.from({ length: count }, (_, index) => ({
    id: `bulk-${index + 1}`,
    title: `Incident ${String(index + 1).padStart(4, '0')}`,
    status: ['open', 'in progress', 'closed'][index % 3],
    priority: (index % 5) + 1,
    customerid: 'contact-anna',
    accountid: 'account-fabrikam',
  }));
}

function listClient(args: EntityListArgs): TestPortalClient {
  const client = demoClient(args.visitor, {
    loading: args.loading,
    tables: args.empty ? { incident: [], note: [], announcement: [] } : { incident: [...incidents, ...bulkIncidents(args.bulk)], note: notes, announcement: announcements },
  });
  if (args.failList) client.failNext('list', new NetworkError('The server cannot be reached', { status: 0, code: 'network-error' }));
  return client;
}

/** Waits until the element has rows on screen (play functions act on them). */
async function loaded(canvas: HTMLElement): Promise<PkEntityList> {
  const element = canvas.querySelector('pk-entity-list')!;
  for (let i = 0; i < 300 && !element.shadowRoot?.querySelector('tbody tr'); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  return element;
}

async function until(check: () => unknown): Promise<void> {
  for (let i = 0; i < 300 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
}

const meta = {
  title: 'Components/pk-entity-list',
  component: 'pk-entity-list',
  args: { visitor: 'anna', table: 'incident', columns: 'title status priority', pageSize: 20, searchable: true, orderBy: '', loading: false, failList: false, empty: false, bulk: 0 },
  argTypes: {
    visitor: { control: 'select', options: VISITOR_OPTIONS, labels: VISITOR_LABELS, description: 'Demo visitor (story only)' },
    table: { control: 'select', options: ['incident', 'note', 'announcement', 'contact'] },
    columns: { control: 'text' },
    pageSize: { control: { type: 'number', min: 1, max: 500 }, name: 'page-size' },
    searchable: { control: 'boolean' },
    orderBy: { control: 'text', name: 'order-by' },
    loading: { control: 'boolean', description: 'Client still loading (story only)' },
    failList: { control: 'boolean', description: 'The first list request fails (story only)' },
    empty: { control: 'boolean', description: 'No rows (story only)' },
    bulk: { control: { type: 'number', min: 0, max: 5000 }, description: 'Extra incidents to page through (story only)' },
  },
  render: (args) => html`
    <p style="font: 0.85rem system-ui; color: #444; margin: 0 0 0.75rem">${args.loading ? 'Client still loading' : VISITOR_LABELS[args.visitor]} · table: ${args.table}</p>
    <pk-entity-list
      .client=${listClient(args)}
      table=${args.table}
      columns=${args.columns || nothing}
      page-size=${args.pageSize}
      searchable=${args.searchable ? 'on' : 'off'}
      order-by=${args.orderBy || nothing}
    ></pk-entity-list>
  `,
} satisfies Meta<EntityListArgs>;

export default meta;
type Story = StoryObj<EntityListArgs>;

/** Nobody is signed in: the incident table answers like an unknown table (no existence oracle). */
export const Anonymous: Story = { args: { visitor: 'anonymous' } };

/** Anonymous on the public announcement table: rows, no actions. */
export const AnonymousAnnouncements: Story = { name: 'Anonymous: public announcements', args: { visitor: 'anonymous', table: 'announcement', columns: '' } };

/** anna (Authenticated Users): her own incidents; Create; Edit on each; no Delete (her role has none). */
export const Anna: Story = { name: 'anna (Authenticated Users)', args: { visitor: 'anna' } };

/** paul (Partner Managers): his account's incidents read-only (Edit disabled), his own editable. */
export const Paul: Story = { name: 'paul (Partner Managers)', args: { visitor: 'paul' } };

/** sam (Support Agents): every incident, every column (internalnotes too), Edit and Delete. */
export const Sam: Story = { name: 'sam (Support Agents)', args: { visitor: 'sam', columns: 'title status priority internalnotes' } };

/** anna's notes: Associate moves a note to another of her incidents (append on the note, appendTo on the incident). */
export const NotesWithAssociate: Story = { name: 'anna: notes (Associate)', args: { visitor: 'anna', table: 'note', columns: 'text incidentid' } };

/** The client has not decided yet: busy, no request made. */
export const Loading: Story = { args: { loading: true } };

/** The list request failed: an alert with Retry (which loads the rows). */
export const ErrorState: Story = { name: 'Error', args: { failList: true } };

/** No rows yet: the empty state, and Create. */
export const Empty: Story = { args: { empty: true } };

/** 250 extra incidents, 20 a page: Previous / Next with the keyset cursor, sortable headers. */
export const Paging: Story = { args: { visitor: 'anna', bulk: 250, orderBy: 'title' } };

/** The create form generated from the schema (only the columns anna may set). */
export const CreateForm: Story = {
  name: 'Create form',
  play: async ({ canvasElement }) => {
    const element = await loaded(canvasElement);
    element.shadowRoot!.querySelector<HTMLButtonElement>('[part="create-button"]')!.click();
  },
};

/** Someone changed the row while sam edited it: the form shows the newer values and sam's own beside them. */
export const Conflict: Story = {
  args: { visitor: 'sam' },
  play: async ({ canvasElement }) => {
    const element = await loaded(canvasElement);
    const root = element.shadowRoot!;
    root.querySelector<HTMLButtonElement>('tr[data-id="inc-1"] button[data-action="edit"]')!.click();
    await until(() => root.querySelector('dialog[open] input[name="title"]'));
    (element.client as TestPortalClient).touchRow('incident', 'inc-1', { title: 'Printer jam on floor 3 (escalated)', priority: 1 });
    const title = root.querySelector<HTMLInputElement>('dialog input[name="title"]')!;
    title.value = 'Printer fixed';
    root.querySelector<HTMLFormElement>('dialog form')!.requestSubmit();
  },
};

/** Delete asks first; the row's ETag goes with the request. */
export const DeleteConfirmation: Story = {
  name: 'Delete confirmation',
  args: { visitor: 'sam' },
  play: async ({ canvasElement }) => {
    const element = await loaded(canvasElement);
    element.shadowRoot!.querySelector<HTMLButtonElement>('tr[data-id="inc-4"] button[data-action="delete"]')!.click();
  },
};
