import type { AuthenticationConfig } from './config.js';
import type { AuthenticationSettings } from './portal-model.js';

/**
 * Power Pages' defaults where it has them (lockout after 5 failures; 8 characters from 3 of 4 classes),
 * conservative ones elsewhere.
 */
export function authenticationSettings(config: AuthenticationConfig = {}): AuthenticationSettings {
  return {
    local: {
      enabled: config.local?.enabled ?? true,
      registration: config.local?.registration ?? 'open',
      signInWith: config.local?.signInWith ?? 'emailOrUsername',
    },
    lockout: {
      maxFailedAttempts: config.lockout?.maxFailedAttempts ?? 5,
      durationMinutes: config.lockout?.durationMinutes ?? 15,
    },
    password: {
      minLength: config.password?.minLength ?? 8,
      maxLength: config.password?.maxLength ?? 256,
      requiredCharacterClasses: config.password?.requiredCharacterClasses ?? 3,
    },
    session: {
      idleMinutes: config.session?.idleMinutes ?? 30,
      absoluteHours: config.session?.absoluteHours ?? 12,
    },
    permissionSetMinutes: config.permissionSetMinutes ?? 5,
    passwordReset: {
      enabled: config.passwordReset?.enabled ?? true,
      tokenMinutes: config.passwordReset?.tokenMinutes ?? 30,
    },
    invitations: { expiryDays: config.invitations?.expiryDays ?? 14 },
    providers: config.providers ?? [],
  };
}
