import type { PortalConfig } from '@portalkit/core';
import { createTestPortalClient } from '../../../../packages/sdk/src/testing/index.js';
import type { TestContact, TestPortalClient, TestPortalClientOptions } from '../../../../packages/sdk/src/testing/index.js';

let config: Promise<PortalConfig> | undefined;

/** The Contoso demo's configuration (examples/contoso), as the server and the demo pages use it. */
export function demoConfig(): Promise<PortalConfig> {
  config ??= fetch('/examples/contoso/portal.config.json').then((response) => response.json() as Promise<PortalConfig>);
  return config;
}

/** Demo contacts as the test double knows them (the same roles as `npm start` seeds). */
export const DEMO = {
  anna: { id: 'contact-anna', email: 'anna@fabrikam.example', username: 'anna', accountId: 'account-fabrikam', roles: [], password: 'Demo-Anna-2026!' },
  paul: { id: 'contact-paul', email: 'paul@fabrikam.example', username: 'paul', accountId: 'account-fabrikam', roles: ['Partner Managers'], password: 'Demo-Paul-2026!' },
  sam: { id: 'contact-sam', email: 'sam@contoso.example', username: 'sam', roles: ['Support Agents'], password: 'Demo-Sam-2026!' },
} satisfies Record<string, TestContact>;

/** A test double over the demo configuration that knows the demo contacts. */
export async function demoClient(options: Partial<TestPortalClientOptions> = {}): Promise<TestPortalClient> {
  return createTestPortalClient({ config: await demoConfig(), contacts: Object.values(DEMO), ...options });
}
