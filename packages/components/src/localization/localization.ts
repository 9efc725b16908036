import { configureLocalization } from '@lit/localize';

/** The locales the components ship strings for; `en` is the source locale. */
export const SUPPORTED_LOCALES = ['en', 'fr'] as const;
export type SupportedLocale = (typeof SUPPORTED_LOCALES)[number];

let controls: ReturnType<typeof configureLocalization> | undefined;

/**
 * Configures `@lit/localize` (runtime mode) once per copy of the kit. Other locales load lazily (a
 * separate chunk on the CDN). The page's `<html lang>` picks the start locale when it is supported.
 */
export function ensureLocalization(): void {
  if (controls) return;
  try {
    controls = configureLocalization({
      sourceLocale: 'en',
      targetLocales: ['fr'],
      loadLocale: (locale) => {
        if (locale === 'fr') return import('./locales/fr.js');
        return Promise.reject(new Error(`PortalKit has no strings for locale ${locale}`));
      },
    });
  } catch {
    // Another copy of @lit/localize on the page configured it first (it allows one configuration).
    return;
  }
  const pageLocale = matchLocale(globalThis.document?.documentElement.lang ?? '');
  if (pageLocale && pageLocale !== 'en') void controls.setLocale(pageLocale);
}

/** The supported locale a language tag means (`fr-CA` → `fr`), if any. */
export function matchLocale(tag: string): SupportedLocale | undefined {
  const language = tag.trim().toLowerCase().split(/[-_]/)[0];
  return SUPPORTED_LOCALES.find((locale) => locale === language);
}

/**
 * Switches every PortalKit element on the page to `locale` (a language tag; unsupported ones fall back
 * to English). Resolves when the strings are loaded and the elements re-rendered.
 */
export async function setPortalLocale(locale: string): Promise<void> {
  ensureLocalization();
  await controls?.setLocale(matchLocale(locale) ?? 'en');
}

/** The locale in use. */
export function getPortalLocale(): string {
  return controls?.getLocale() ?? 'en';
}
