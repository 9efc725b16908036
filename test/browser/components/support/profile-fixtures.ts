import type { PortalConfig } from '@portalkit/core';
import type { DiscoveryDocument } from '../../../../packages/sdk/src/index.js';
import type { TestContact, TestPortalClient, TestPortalClientOptions } from '../../../../packages/sdk/src/testing/index.js';
import { DEMO, demoClient, demoConfig } from './demo-config.js';

type Column = DiscoveryDocument['profile']['columns'][number];

/** The demo's profile columns as the server's discovery lists them (built-ins first, then the config's). */
export const DEMO_PROFILE_COLUMNS: readonly Column[] = [
  { name: 'username', type: 'string', required: false, maxLength: 100 },
  { name: 'email', type: 'string', required: false, maxLength: 254 },
  { name: 'firstname', type: 'string', required: false, maxLength: 100 },
  { name: 'lastname', type: 'string', required: false, maxLength: 100 },
  { name: 'jobtitle', type: 'string', required: false, maxLength: 100 },
  { name: 'phone', type: 'string', required: false, maxLength: 40 },
  { name: 'creditlimit', type: 'decimal', required: false, displayName: 'Credit limit' },
];

/** A discovery document like the demo server's (`columns` replaces the profile columns). */
export function profileDiscovery(columns: readonly Column[] = DEMO_PROFILE_COLUMNS): DiscoveryDocument {
  return {
    issuer: 'https://portal.test',
    site: { name: 'Contoso Partner Portal', audience: 'https://portal.test' },
    jwks_uri: 'https://portal.test/.well-known/jwks.json',
    permissions_endpoint: 'https://portal.test/permissions',
    events_endpoint: 'https://portal.test/events',
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
        { id: 'staff', type: 'entra', displayName: 'Contoso staff', clientId: 'CLIENT-ID', authority: 'https://login.microsoftonline.com/T/v2.0', scopes: ['openid'] },
      ],
    },
    profile: { columns },
  };
}

/**
 * A demo contact's stored row. Every declared column is present (null when empty), as the server's
 * `me().profile` has every readable column; the double hides the unreadable ones.
 */
export function contactRow(who: TestContact & { firstname?: string; lastname?: string }, values: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: who.id,
    username: who.username ?? null,
    email: who.email ?? null,
    firstname: who.firstname ?? null,
    lastname: who.lastname ?? null,
    accountid: who.accountId ?? null,
    jobtitle: null,
    phone: null,
    creditlimit: 25000,
    ...values,
  };
}

/** A test double with the demo contacts' rows and a demo-like discovery document, signed in as `contact`. */
export async function profileClient(
  contact: TestContact | undefined,
  options: Partial<TestPortalClientOptions> & { values?: Record<string, unknown> } = {},
): Promise<TestPortalClient> {
  const { values, ...rest } = options;
  return demoClient({
    ...(contact ? { contact } : {}),
    discovery: profileDiscovery(),
    tables: {
      contact: [
        contactRow({ ...DEMO.anna, firstname: 'Anna', lastname: 'Andersen' }, contact?.id === DEMO.anna.id ? values : {}),
        contactRow({ ...DEMO.paul, firstname: 'Paul', lastname: 'Peters' }, contact?.id === DEMO.paul.id ? values : {}),
        contactRow({ ...DEMO.sam, firstname: 'Sam', lastname: 'Support' }, contact?.id === DEMO.sam.id ? values : {}),
      ],
    },
    ...rest,
  });
}

/** The demo configuration with extra contact columns of every type, for the type mapping tests. */
export async function configWithTypedColumns(): Promise<PortalConfig> {
  const config = structuredClone(await demoConfig()) as PortalConfig & { tables: Record<string, { columns: Record<string, unknown> }> };
  Object.assign(config.tables['contact']!.columns, {
    bio: { type: 'text', maxLength: 500 },
    employees: { type: 'integer' },
    newsletter: { type: 'boolean' },
    birthday: { type: 'datetime' },
    size: { type: 'choice', options: ['small', 'medium', 'large'], required: true },
    vip: { type: 'boolean' },
  });
  // Only Support Agents change `vip`: everyone else sees a read-only checkbox.
  (config as { columnPermissions: unknown[] }).columnPermissions.push({ table: 'contact', column: 'vip', read: ['Authenticated Users'], update: ['Support Agents'] });
  return config;
}

export const TYPED_COLUMNS: readonly Column[] = [
  ...DEMO_PROFILE_COLUMNS,
  { name: 'bio', type: 'text', required: false, maxLength: 500, displayName: 'About you' },
  { name: 'employees', type: 'integer', required: false, displayName: 'Employees' },
  { name: 'newsletter', type: 'boolean', required: false, displayName: 'Newsletter' },
  { name: 'birthday', type: 'datetime', required: false, displayName: 'Birthday' },
  { name: 'size', type: 'choice', required: true, options: ['small', 'medium', 'large'], displayName: 'Company size' },
  { name: 'vip', type: 'boolean', required: false, displayName: 'VIP' },
];
