import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { html } from 'lit';
import '../packages/components/src/components/profile-form/profile-form.js';
import type { PkProfileForm } from '../packages/components/src/components/profile-form/profile-form.component.js';
import { NetworkError } from '../packages/sdk/src/errors/index.js';
import type { DiscoveryDocument } from '../packages/sdk/src/index.js';
import type { TestPortalClient } from '../packages/sdk/src/testing/index.js';
import { DEMO, demoClient, VISITOR_LABELS, VISITOR_OPTIONS } from './support/demo.js';
import type { DemoVisitor } from './support/demo.js';

interface ProfileFormArgs {
  /** Who is signed in (a demo contact over the test double). */
  visitor: DemoVisitor;
  /** Keep the client loading (story only). */
  loading: boolean;
  /** Make loading the profile fail once (story only). */
  failLoad: boolean;
  /** Give the visitor linked external sign-ins (story only). */
  linked: boolean;
  noPassword: boolean;
  noIdentities: boolean;
}

/** The demo server's discovery document, as far as the form reads it. */
const discovery: DiscoveryDocument = {
  issuer: 'http://127.0.0.1:8787',
  site: { name: 'Contoso Partner Portal', audience: 'http://127.0.0.1:8787' },
  jwks_uri: 'http://127.0.0.1:8787/.well-known/jwks.json',
  permissions_endpoint: 'http://127.0.0.1:8787/permissions',
  events_endpoint: 'http://127.0.0.1:8787/events',
  authentication: {
    local: {
      enabled: true,
      signInWith: 'emailOrUsername',
      registration: 'invitation',
      passwordReset: true,
      passwordPolicy: { minLength: 12, requiredCharacterClasses: 3 },
    },
    providers: [
      { id: 'partners', type: 'oidc', displayName: 'Partner sign-in', clientId: 'portal', issuer: 'https://idp.example.com', scopes: ['openid'] },
      { id: 'staff', type: 'entra', displayName: 'Contoso staff', clientId: 'CLIENT-ID', authority: 'https://login.microsoftonline.com/TENANT/v2.0', scopes: ['openid'] },
    ],
  },
  profile: {
    columns: [
      { name: 'username', type: 'string', required: false, maxLength: 100 },
      { name: 'email', type: 'string', required: false, maxLength: 254 },
      { name: 'firstname', type: 'string', required: false, maxLength: 100 },
      { name: 'lastname', type: 'string', required: false, maxLength: 100 },
      { name: 'jobtitle', type: 'string', required: false, maxLength: 100 },
      { name: 'phone', type: 'string', required: false, maxLength: 40 },
      { name: 'creditlimit', type: 'decimal', required: false, displayName: 'Credit limit' },
    ],
  },
};

/** The demo contacts' stored rows (every column present, as the server's `/me` has them). */
const rows = [
  { ...DEMO.anna, firstname: 'Anna', lastname: 'Andersen', jobtitle: 'Buyer', phone: '+45 20 30 40 50', creditlimit: 25000 },
  { ...DEMO.paul, firstname: 'Paul', lastname: 'Peters', jobtitle: 'Partner manager', phone: null, creditlimit: 50000 },
  { ...DEMO.sam, accountId: null, firstname: 'Sam', lastname: 'Support', jobtitle: 'Support agent', phone: null, creditlimit: 0 },
].map(({ id, email, username, accountId, firstname, lastname, jobtitle, phone, creditlimit }) => ({
  id,
  email,
  username,
  accountid: accountId,
  firstname,
  lastname,
  jobtitle,
  phone,
  creditlimit,
}));

const identities = [
  { provider: 'partners', linkedAt: '2026-03-14T09:26:00.000Z' },
  { provider: 'staff', linkedAt: '2026-06-01T16:05:00.000Z' },
];

function profileClient(args: ProfileFormArgs): TestPortalClient {
  const contact = args.visitor === 'anonymous' ? undefined : { ...DEMO[args.visitor], ...(args.linked ? { identities } : {}) };
  const client = demoClient(args.visitor, {
    ...(contact ? { contact } : {}),
    loading: args.loading,
    discovery,
    tables: { contact: rows },
  });
  if (args.failLoad) client.failNext('me', new NetworkError('The server cannot be reached', { status: 0, code: 'network-error' }));
  return client;
}

/** Waits for the element's profile form (stories' play functions act on it). */
async function loadedForm(canvas: HTMLElement): Promise<PkProfileForm> {
  const element = canvas.querySelector('pk-profile-form')!;
  for (let i = 0; i < 200 && !element.querySelector('form [name="firstname"]'); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  return element;
}

function type(element: PkProfileForm, name: string, value: string): void {
  const control = element.querySelector<HTMLInputElement>(`form [name="${name}"]`)!;
  control.value = value;
  control.dispatchEvent(new Event('input', { bubbles: true }));
}

function submitProfile(element: PkProfileForm): void {
  element.querySelector<HTMLFormElement>('[slot="profile"] form')!.requestSubmit();
}

const meta = {
  title: 'Components/pk-profile-form',
  component: 'pk-profile-form',
  args: { visitor: 'anna', loading: false, failLoad: false, linked: false, noPassword: false, noIdentities: false },
  argTypes: {
    visitor: { control: 'select', options: VISITOR_OPTIONS, labels: VISITOR_LABELS, description: 'Demo visitor (story only)' },
    loading: { control: 'boolean', description: 'Client still loading (story only)' },
    failLoad: { control: 'boolean', description: 'Loading the profile fails once; Retry loads it (story only)' },
    linked: { control: 'boolean', description: 'The visitor has linked external sign-ins (story only)' },
    noPassword: { control: 'boolean', name: 'no-password' },
    noIdentities: { control: 'boolean', name: 'no-identities' },
  },
  render: (args) => html`
    <p style="font: 0.85rem system-ui; color: #444; margin: 0 0 0.75rem">${args.loading ? 'Client still loading' : VISITOR_LABELS[args.visitor]}</p>
    <pk-profile-form .client=${profileClient(args)} ?no-password=${args.noPassword} ?no-identities=${args.noIdentities} style="max-width: 36rem">
      <a slot="signed-out" href="#sign-in">Go to sign-in</a>
    </pk-profile-form>
  `,
} satisfies Meta<ProfileFormArgs>;

export default meta;
type Story = StoryObj<ProfileFormArgs>;

/** Nobody is signed in: a message and the page's own sign-in link (the `signed-out` slot). */
export const Anonymous: Story = { args: { visitor: 'anonymous' } };

/** The client has not decided yet: busy (`aria-busy`), no form. */
export const Loading: Story = { args: { loading: true } };

/** anna (Authenticated Users only): no credit limit at all (she may not read it); email and username read-only. */
export const Anna: Story = { name: 'Loaded: anna (Authenticated Users)', args: { visitor: 'anna', linked: true } };

/** paul (Partner Managers) may read the credit limit but not change it: it shows read-only. */
export const Paul: Story = { name: 'Loaded: paul (Partner Managers, credit limit visible)', args: { visitor: 'paul' } };

/** sam (Support Agents) may change the credit limit. */
export const Sam: Story = { name: 'Loaded: sam (Support Agents, credit limit editable)', args: { visitor: 'sam' } };

/** Loading the profile failed: the error and Retry (which loads it). */
export const LoadError: Story = { name: 'Error', args: { failLoad: true } };

/** Someone saved the profile first: the form shows the newer values and the visitor's differing edits. */
export const Conflict: Story = {
  play: async ({ canvasElement }) => {
    const element = await loadedForm(canvasElement);
    (element.client as TestPortalClient).touchRow('contact', DEMO.anna.id, { firstname: 'Anne-Marie', jobtitle: 'Head of purchasing' });
    type(element, 'firstname', 'Annie');
    type(element, 'phone', '+45 11 22 33 44');
    submitProfile(element);
  },
};

/** A save in flight: the button says so and the form is busy. */
export const Saving: Story = {
  play: async ({ canvasElement }) => {
    const element = await loadedForm(canvasElement);
    // Never answers, so the story stays in the saving state.
    (element.client as TestPortalClient).updateProfile = () => new Promise(() => undefined);
    type(element, 'jobtitle', 'Senior buyer');
    submitProfile(element);
  },
};

/** Client-side validation: a name longer than its maximum length. */
export const ValidationMessages: Story = {
  name: 'Validation messages',
  play: async ({ canvasElement }) => {
    const element = await loadedForm(canvasElement);
    type(element, 'firstname', 'A'.repeat(120));
    submitProfile(element);
  },
};

/** Hostile profile data stays text: values with markup and `javascript:` render inert. */
export const HostileData: Story = {
  name: 'Untrusted data (XSS payloads)',
  render: (args) => {
    const client = demoClient('anna', {
      discovery,
      tables: { contact: rows.map((row) => (row.id === DEMO.anna.id ? { ...row, firstname: '<img src=x onerror=alert(1)>', jobtitle: 'javascript:alert(1)' } : row)) },
    });
    return html`<pk-profile-form .client=${client} ?no-password=${args.noPassword} style="max-width: 36rem"></pk-profile-form>`;
  },
};
