import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { html, nothing } from 'lit';
import type { TemplateResult } from 'lit';
import '../packages/components/src/components/sign-in/sign-in.js';
import type { PkSignIn } from '../packages/components/src/components/sign-in/sign-in.component.js';
import { InvalidCredentialsError, NetworkError, RateLimitedError, ValidationError } from '../packages/sdk/src/errors/index.js';
import type { DiscoveryDocument, ProviderDescriptor } from '../packages/sdk/src/index.js';
import type { TestPortalClient } from '../packages/sdk/src/testing/index.js';
import { demoClient, VISITOR_LABELS, VISITOR_OPTIONS } from './support/demo.js';
import type { DemoVisitor } from './support/demo.js';

interface SignInArgs {
  /** Who is signed in at start (a demo contact over the test double). */
  visitor: DemoVisitor;
  view: 'sign-in' | 'register' | 'forgot';
  hideRegistration: boolean;
  providerMode: 'redirect' | 'popup';
  /** A reset token, as from a mailed link: opens the "choose a new password" view. */
  resetToken: string;
  /** The site's registration mode (discovery; story only). */
  registration: 'open' | 'invitation' | 'closed';
  /** How visitors sign in (discovery; story only). */
  signInWith: 'email' | 'username' | 'emailOrUsername';
  /** The site takes passwords (discovery; story only). */
  localEnabled: boolean;
  /** List the demo's sign-in providers (discovery; story only). */
  providers: boolean;
  /** Every request of the test double waits this long, to show busy states (story only). */
  latencyMs: number;
  /** Keep the client loading (story only). */
  loading: boolean;
}

const DEMO_PROVIDERS: readonly ProviderDescriptor[] = [
  { id: 'partners', type: 'oidc', displayName: 'Partner sign-in', clientId: 'portal', issuer: 'https://idp.example.com', scopes: ['openid', 'profile', 'email'] },
  { id: 'staff', type: 'entra', displayName: 'Contoso staff', clientId: 'CLIENT-ID', authority: 'https://login.microsoftonline.com/TENANT/v2.0', scopes: ['openid', 'profile', 'email'] },
];

/** The discovery document `portalkit serve` publishes for examples/contoso, with the story's switches applied. */
function discovery(args: SignInArgs): DiscoveryDocument {
  return {
    issuer: 'https://portal.test',
    site: { name: 'Contoso Partner Portal', audience: 'https://portal.test' },
    jwks_uri: 'https://portal.test/.well-known/jwks.json',
    permissions_endpoint: 'https://portal.test/permissions',
    events_endpoint: 'https://portal.test/events',
    authentication: {
      local: args.localEnabled
        ? {
            enabled: true,
            signInWith: args.signInWith,
            registration: args.registration,
            passwordReset: true,
            passwordPolicy: { minLength: 12, requiredCharacterClasses: 3 },
          }
        : { enabled: false },
      providers: args.providers ? DEMO_PROVIDERS : [],
    },
    profile: { columns: [] },
  };
}

/**
 * The test double has no identity providers: its `signInWith` is replaced by one that "signs in" as
 * anna after a short wait (popup) or pretends to leave the page (redirect).
 */
function withFakeProviders(client: TestPortalClient): TestPortalClient {
  client.signInWith = async (providerId, options) => {
    await new Promise((resolve) => setTimeout(resolve, 600));
    if (options.mode === 'redirect') return { redirecting: true };
    const contact = await client.signIn({ login: 'anna', password: 'Demo-Anna-2026!' });
    return { contact, created: false, linked: false, provider: providerId, returnUrl: '/' };
  };
  client.confirmPasswordReset = async () => {
    await new Promise((resolve) => setTimeout(resolve, 300));
  };
  return client;
}

function signInClient(args: SignInArgs): TestPortalClient {
  return withFakeProviders(demoClient(args.visitor, { discovery: discovery(args), loading: args.loading, latencyMs: args.latencyMs }));
}

const demoLogins = html`
    <p style="font: 0.85rem system-ui; color: #5c5f66; max-width: 26rem">
      Demo logins (test double): anna / Demo-Anna-2026!, paul / Demo-Paul-2026!, sam / Demo-Sam-2026!
    </p>
  `;

function renderSignIn(args: SignInArgs, client: TestPortalClient = signInClient(args), hint = true): TemplateResult {
  return html`
    <pk-sign-in
      .client=${client}
      view=${args.view}
      ?hide-registration=${args.hideRegistration}
      provider-mode=${args.providerMode}
      reset-token=${args.resetToken || nothing}
      @pk-signed-in=${(event: CustomEvent) => console.info('pk-signed-in', event.detail)}
      @pk-signed-out=${() => console.info('pk-signed-out')}
    ></pk-sign-in>
    ${hint ? demoLogins : nothing}
  `;
}

/** Waits for the element's form, fills it and submits it, as a visitor would. */
async function submitWith(canvas: HTMLElement, values: Record<string, string>): Promise<void> {
  const element = canvas.querySelector<PkSignIn>('pk-sign-in');
  if (!element) return;
  for (let i = 0; i < 100 && !element.querySelector('form'); i++) await new Promise((resolve) => setTimeout(resolve, 20));
  await element.updateComplete;
  for (const [name, value] of Object.entries(values)) {
    const input = element.querySelector<HTMLInputElement>(`input[name="${name}"]`);
    if (input) input.value = value;
  }
  element.querySelector('form')?.requestSubmit();
}

const meta = {
  title: 'Components/pk-sign-in',
  component: 'pk-sign-in',
  args: {
    visitor: 'anonymous',
    view: 'sign-in',
    hideRegistration: false,
    providerMode: 'redirect',
    resetToken: '',
    registration: 'invitation',
    signInWith: 'emailOrUsername',
    localEnabled: true,
    providers: true,
    latencyMs: 400,
    loading: false,
  },
  argTypes: {
    visitor: { control: 'select', options: VISITOR_OPTIONS, labels: VISITOR_LABELS },
    view: { control: 'inline-radio', options: ['sign-in', 'register', 'forgot'] },
    providerMode: { control: 'inline-radio', options: ['redirect', 'popup'] },
    registration: { control: 'inline-radio', options: ['open', 'invitation', 'closed'] },
    signInWith: { control: 'inline-radio', options: ['email', 'username', 'emailOrUsername'] },
    latencyMs: { control: { type: 'range', min: 0, max: 3000, step: 100 } },
  },
  render: (args) => renderSignIn(args),
} satisfies Meta<SignInArgs>;

export default meta;
type Story = StoryObj<SignInArgs>;

/** Nobody signed in: local sign-in (email or username), provider buttons, links to the other views. */
export const Anonymous: Story = {};

/** Registration on an invitation-only site: the invitation code field (`autocomplete="one-time-code"`) and the password policy. */
export const RegisterByInvitation: Story = {
  name: 'Register (invitation)',
  args: { view: 'register' },
};

/** Open registration: no invitation code. */
export const RegisterOpen: Story = {
  name: 'Register (open)',
  args: { view: 'register', registration: 'open' },
};

/** Registration closed by the site: no register view, `view="register"` falls back to sign-in. */
export const RegistrationClosed: Story = {
  name: 'Registration closed',
  args: { view: 'register', registration: 'closed' },
};

/** `hide-registration`: the page offers no registration even though the site allows it. */
export const HideRegistration: Story = {
  args: { hideRegistration: true },
};

/** Forgot password: asks for a reset mail. */
export const ForgotPassword: Story = {
  args: { view: 'forgot' },
};

/** A mailed reset link (`?token=…` or `reset-token`) opens "choose a new password". */
export const ResetPassword: Story = {
  name: 'Reset password (token)',
  args: { resetToken: 'demo-reset-token' },
};

/** anna is signed in (Authenticated Users only): the signed-in view with her email and a sign-out button. */
export const SignedInAnna: Story = {
  name: 'Signed in (anna)',
  args: { visitor: 'anna' },
};

/** paul (Partner Managers) is signed in. */
export const SignedInPaul: Story = {
  name: 'Signed in (paul, Partner Managers)',
  args: { visitor: 'paul' },
};

/** sam (Support Agents) is signed in. */
export const SignedInSam: Story = {
  name: 'Signed in (sam, Support Agents)',
  args: { visitor: 'sam' },
};

/** The client is still deciding who the visitor is: a loading status, nothing to fill in. */
export const Loading: Story = {
  args: { loading: true },
};

/** A request under way: `aria-busy`, the submit and provider buttons disabled, a status message. */
export const Busy: Story = {
  args: { latencyMs: 60_000 },
  play: async ({ canvasElement }) => submitWith(canvasElement, { login: 'anna', password: 'Demo-Anna-2026!' }),
};

/** A wrong password: one generic message, announced and focused. */
export const WrongPassword: Story = {
  args: { latencyMs: 0 },
  play: async ({ canvasElement }) => submitWith(canvasElement, { login: 'anna', password: 'not-the-password' }),
};

/**
 * A locked-out account, even with the right password, gets exactly the wrong-password message: the
 * server does not tell them apart, so neither does the form.
 */
export const LockedOut: Story = {
  args: { latencyMs: 0 },
  render: (args) => {
    const client = signInClient(args);
    client.failNext('signIn', new InvalidCredentialsError('The login or password is not correct.', { status: 401, code: 'invalid-credentials' }));
    return renderSignIn(args, client);
  },
  play: async ({ canvasElement }) => submitWith(canvasElement, { login: 'anna', password: 'Demo-Anna-2026!' }),
};

/** Too many attempts: the message says how long to wait. */
export const RateLimited: Story = {
  args: { latencyMs: 0 },
  render: (args) => {
    const client = signInClient(args);
    client.failNext('signIn', new RateLimitedError('Too many requests', { status: 429, code: 'rate-limited', retryAfterSeconds: 30 }));
    return renderSignIn(args, client);
  },
  play: async ({ canvasElement }) => submitWith(canvasElement, { login: 'anna', password: 'Demo-Anna-2026!' }),
};

/** The server could not be reached. */
export const NetworkFailure: Story = {
  args: { latencyMs: 0 },
  render: (args) => {
    const client = signInClient(args);
    client.failNext('signIn', new NetworkError('Could not reach the server', { status: 0, code: 'network-error' }));
    return renderSignIn(args, client);
  },
  play: async ({ canvasElement }) => submitWith(canvasElement, { login: 'anna', password: 'Demo-Anna-2026!' }),
};

/** The server refused the registration: each field's message next to the field (`aria-invalid`, `aria-describedby`). */
export const RegisterValidationError: Story = {
  name: 'Register: validation errors',
  args: { view: 'register', latencyMs: 0 },
  render: (args) => {
    const client = signInClient(args);
    client.failNext(
      'register',
      new ValidationError('The request is not valid', {
        status: 400,
        code: 'validation-failed',
        problem: {
          errors: [
            { path: '/password', message: 'must be at least 12 characters long' },
            { path: '/username', message: 'is already taken' },
          ],
        },
      }),
    );
    return renderSignIn(args, client);
  },
  play: async ({ canvasElement }) =>
    submitWith(canvasElement, { email: 'new@fabrikam.example', username: 'anna', password: 'Too-short-1', invitationCode: 'INV-2026' }),
};

/** Required fields left empty: the browser's own messages, shown next to each field. */
export const EmptySubmit: Story = {
  name: 'Empty submit',
  args: { latencyMs: 0 },
  play: async ({ canvasElement }) => submitWith(canvasElement, {}),
};

/** Discovery failed: an error and a Try again button (which succeeds here). */
export const DiscoveryFailed: Story = {
  render: (args) => {
    const client = signInClient(args);
    client.failNext('discovery', new NetworkError('Could not reach the server', { status: 0, code: 'network-error' }));
    return renderSignIn(args, client);
  },
};

/** A site that takes no passwords: provider buttons only. */
export const ProvidersOnly: Story = {
  args: { localEnabled: false },
};

/** No providers configured: the local form alone, no divider. */
export const LocalOnly: Story = {
  args: { providers: false },
};

/** `provider-mode="popup"`: a provider button signs in without leaving the page (simulated here). */
export const PopupProviders: Story = {
  name: 'Providers in a popup',
  args: { providerMode: 'popup' },
};

/** A provider whose display name carries markup: shown as text, never as HTML. */
export const HostileProviderName: Story = {
  render: (args) => {
    const client = withFakeProviders(
      demoClient(args.visitor, {
        discovery: {
          ...discovery(args),
          authentication: {
            ...discovery(args).authentication,
            providers: [{ id: 'evil', type: 'oidc', displayName: '<img src=x onerror="alert(1)">', clientId: 'x', issuer: 'javascript:alert(1)', scopes: [] }],
          },
        },
      }),
    );
    return renderSignIn(args, client);
  },
};

/** Theming with `--pk-*` custom properties and `::part()`, in a dark color scheme. */
export const Themed: Story = {
  render: (args) => html`
    <style>
      .pk-sign-in-themed {
        color-scheme: dark;
        background: #111318;
        padding: 1.5rem;
        --pk-color-accent: #f5a524;
        --pk-color-on-accent: #1b1300;
        --pk-radius: 12px;
        --pk-sign-in-shadow: 0 10px 30px rgb(0 0 0 / 0.4);
      }
      .pk-sign-in-themed pk-sign-in::part(heading) {
        letter-spacing: 0.02em;
      }
    </style>
    <div class="pk-sign-in-themed">${renderSignIn(args, signInClient(args), false)}</div>
  `,
};
