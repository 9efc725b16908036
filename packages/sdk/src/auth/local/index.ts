export { localAuth } from './local-auth.js';
export type { PasswordChange, PasswordResetConfirmation, RegistrationDetails, SignInCredentials } from './local-auth.js';
