// French strings of the PortalKit elements, keyed by the ids their `msg()` calls give. Each element's
// author adds its ids here; test/browser/components/localization.test.ts checks every id is covered.
import { str } from '@lit/localize';

export const templates = {
  'portal.loading': 'Chargement…',
  'portal.error.generic': 'Une erreur est survenue. Réessayez.',
  'portal.error.network': 'Le serveur est injoignable. Vérifiez votre connexion et réessayez.',
  'portal.retry-after': str`Trop de tentatives. Réessayez dans ${0} secondes.`,
};
