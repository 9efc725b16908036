/**
 * The page of test/e2e/react-wrappers.test.ts, bundled with esbuild: a React 18 app using the
 * generated `@portalkit/react` wrappers (the built package, as an app would import it) over the SDK's
 * test double. It exposes what the test drives and observes on `window.__pk`.
 */
import { createElement } from 'react';
import { createRoot } from 'react-dom/client';
import { PkPortal, PkProtected, PkSignIn } from '@portalkit/react';
import type { PortalConfig } from '@portalkit/core';
import { createTestPortalClient } from '../../packages/sdk/src/testing/index.js';
import type { TestPortalClient } from '../../packages/sdk/src/testing/index.js';

declare global {
  interface Window {
    __pkConfig: PortalConfig;
    __pk: { client: TestPortalClient; decisions: boolean[]; signedIn: unknown[] };
  }
}

const client = createTestPortalClient({
  config: window.__pkConfig,
  contacts: [{ id: 'contact-paul', email: 'paul@fabrikam.example', username: 'paul', roles: ['Partner Managers'], password: 'Demo-Paul-2026!' }],
  discovery: {
    issuer: 'https://portal.test',
    site: { name: 'Contoso', audience: 'https://portal.test' },
    jwks_uri: 'https://portal.test/.well-known/jwks.json',
    permissions_endpoint: 'https://portal.test/permissions',
    events_endpoint: 'https://portal.test/events',
    authentication: {
      local: { enabled: true, signInWith: 'emailOrUsername', registration: 'closed', passwordReset: false, passwordPolicy: { minLength: 12, requiredCharacterClasses: 3 } },
      providers: [],
    },
    profile: { columns: [] },
  },
});
window.__pk = { client, decisions: [], signedIn: [] };

createRoot(document.getElementById('app')!).render(
  createElement(
    PkPortal,
    { client },
    createElement(PkSignIn, { onPkSignedIn: (event: Event) => window.__pk.signedIn.push((event as CustomEvent).detail) }),
    createElement(
      PkProtected,
      { roles: 'Partner Managers', onPkDecision: (event: Event) => window.__pk.decisions.push((event as CustomEvent<{ allowed: boolean }>).detail.allowed) },
      createElement('p', { id: 'secret' }, 'Partner news'),
    ),
  ),
);
