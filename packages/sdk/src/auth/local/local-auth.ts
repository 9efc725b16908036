import type { Transport } from '../../http/transport.js';
import type { ContactSummary } from '../../types.js';

/** `signIn` input: an email or username (per the site's setting) and the password. */
export interface SignInCredentials {
  readonly login: string;
  readonly password: string;
}

/** `register` input; which fields are needed depends on the site's registration mode. */
export interface RegistrationDetails {
  readonly email: string;
  readonly password: string;
  readonly username?: string;
  readonly invitationCode?: string;
  readonly firstname?: string;
  readonly lastname?: string;
}

/** `changePassword` input. */
export interface PasswordChange {
  readonly currentPassword: string;
  readonly newPassword: string;
}

/** `confirmPasswordReset` input: the token from the mailed link and the new password. */
export interface PasswordResetConfirmation {
  readonly token: string;
  readonly newPassword: string;
}

/**
 * The local-account requests, one function each. They only talk HTTP; the client wraps them to update
 * its state and permission set. Bodies are rebuilt from the named fields, so an object with extra
 * properties (or a `__proto__` key) never forwards them.
 */
export const localAuth = {
  async signIn(transport: Transport, { login, password }: SignInCredentials): Promise<ContactSummary> {
    const { contact } = await transport.json<{ contact: ContactSummary }>('/auth/local/sign-in', { method: 'POST', body: { login, password } });
    return contact;
  },

  async register(transport: Transport, details: RegistrationDetails): Promise<ContactSummary> {
    const body: Record<string, string> = { email: details.email, password: details.password };
    for (const key of ['username', 'invitationCode', 'firstname', 'lastname'] as const) {
      const value = details[key];
      if (value !== undefined) body[key] = value;
    }
    const { contact } = await transport.json<{ contact: ContactSummary }>('/auth/local/register', { method: 'POST', body });
    return contact;
  },

  async signOut(transport: Transport): Promise<void> {
    await transport.json<undefined>('/auth/sign-out', { method: 'POST', body: {} });
  },

  async changePassword(transport: Transport, { currentPassword, newPassword }: PasswordChange): Promise<void> {
    await transport.json<unknown>('/auth/password', { method: 'POST', body: { currentPassword, newPassword } });
  },

  async requestPasswordReset(transport: Transport, { email }: { readonly email: string }): Promise<void> {
    await transport.json<unknown>('/auth/password-reset/request', { method: 'POST', body: { email } });
  },

  async confirmPasswordReset(transport: Transport, { token, newPassword }: PasswordResetConfirmation): Promise<void> {
    await transport.json<unknown>('/auth/password-reset/confirm', { method: 'POST', body: { token, newPassword } });
  },
};
