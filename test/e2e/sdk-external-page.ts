/**
 * Browser entry of the external sign-in e2e pages (bundled with esbuild by sdk-external-harness.ts).
 * A minimal client core around the flow: the real Transport (credentials, CSRF header, typed errors),
 * discovery from the real server. On every load it runs `completeRedirectSignIn()` and publishes the
 * outcome as `window.pkOutcome`, so the test can read what happened on the callback page.
 */
import { Transport } from '../../packages/sdk/src/http/transport.js';
import { completeRedirectSignIn, signInWithProvider } from '../../packages/sdk/src/auth/external/index.js';
import type { ExternalDiscovery, ExternalFlowHost, ExternalSignInResult, SignInWithProviderOptions } from '../../packages/sdk/src/auth/external/index.js';

/** What a test reads back: a result, or an error's name and code. */
export type Outcome = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly name: string; readonly code: string | undefined; readonly message: string };

declare global {
  interface Window {
    pkServer: string;
    pkOutcome?: Outcome;
    pkSignedIn: ExternalSignInResult[];
    pk: {
      signIn(providerId: string, options: SignInWithProviderOptions): Promise<Outcome>;
      me(): Promise<{ status: number; email: string | null }>;
    };
  }
}

const transport = new Transport({ server: window.pkServer });
window.pkSignedIn = [];
const host: ExternalFlowHost = {
  server: transport.server,
  post: <T>(path: string, body: unknown) => transport.json<T>(path, { method: 'POST', body }),
  discovery: () => transport.json<ExternalDiscovery>('/.well-known/portalkit'),
  async signedIn(result) {
    window.pkSignedIn.push(result);
  },
};

async function outcome(work: () => Promise<unknown>): Promise<Outcome> {
  try {
    return { ok: true, value: await work() };
  } catch (error) {
    const failure = error as { name?: string; code?: string; message?: string };
    return { ok: false, name: failure.name ?? 'Error', code: failure.code, message: failure.message ?? String(error) };
  }
}

window.pk = {
  signIn: (providerId, options) => outcome(() => signInWithProvider(host, providerId, options)),
  async me() {
    const response = await transport.request('/me');
    const body = response.ok ? ((await response.json()) as { email?: string | null }) : {};
    return { status: response.status, email: body.email ?? null };
  },
};

void outcome(() => completeRedirectSignIn(host)).then((result) => {
  window.pkOutcome = result;
});
