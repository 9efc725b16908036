/**
 * The Contoso demo (examples/contoso) as the stories see it: its configuration and the demo contacts
 * with the roles `npm start` seeds, over the test double (no server, decisions from the real evaluator).
 */
import type { PortalConfig } from '@portalkit/core';
import { createTestPortalClient } from '../../packages/sdk/src/testing/index.js';
import type { TestContact, TestPortalClient, TestPortalClientOptions } from '../../packages/sdk/src/testing/index.js';
import config from '../../examples/contoso/portal.config.json';

/** The demo portal's configuration. */
export const demoConfig = config as unknown as PortalConfig;

/** Demo contacts (same logins, passwords and roles as `npm start`). */
export const DEMO = {
  anna: { id: 'contact-anna', email: 'anna@fabrikam.example', username: 'anna', accountId: 'account-fabrikam', roles: [], password: 'Demo-Anna-2026!' },
  paul: { id: 'contact-paul', email: 'paul@fabrikam.example', username: 'paul', accountId: 'account-fabrikam', roles: ['Partner Managers'], password: 'Demo-Paul-2026!' },
  sam: { id: 'contact-sam', email: 'sam@contoso.example', username: 'sam', roles: ['Support Agents'], password: 'Demo-Sam-2026!' },
} satisfies Record<string, TestContact>;

/** Who is signed in for a story: nobody or one of the demo contacts. */
export type DemoVisitor = 'anonymous' | keyof typeof DEMO;

/** The visitors a story's `visitor` control offers, with what each demonstrates. */
export const VISITOR_OPTIONS: readonly DemoVisitor[] = ['anonymous', 'anna', 'paul', 'sam'];
export const VISITOR_LABELS: Readonly<Record<DemoVisitor, string>> = {
  anonymous: 'Anonymous visitor',
  anna: 'anna: Authenticated Users only',
  paul: 'paul: Partner Managers',
  sam: 'sam: Support Agents',
};

/** A test double over the demo configuration, signed in as `visitor`, knowing every demo contact. */
export function demoClient(visitor: DemoVisitor, options: Partial<TestPortalClientOptions> = {}): TestPortalClient {
  return createTestPortalClient({
    config: demoConfig,
    contacts: Object.values(DEMO),
    ...(visitor === 'anonymous' ? {} : { contact: DEMO[visitor] }),
    ...options,
  });
}
