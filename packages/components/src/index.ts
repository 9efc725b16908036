/**
 * `@portalkit/components`: PortalKit's web components. Importing this module defines every element
 * (`<pk-portal>`, `<pk-sign-in>`, `<pk-profile-form>`, `<pk-protected>`, `<pk-entity-list>`, `<pk-field>`);
 * a tag another copy of the kit defined first is left as it is. Import one element's module
 * (`@portalkit/components/protected`) to define only that one.
 * @packageDocumentation
 */
export { PkPortal } from './components/portal/portal.js';
export { PkSignIn } from './components/sign-in/sign-in.js';
export { PkField } from './components/field/field.js';
export { PkProtected } from './components/protected/protected.js';
export { PkEntityList } from './components/entity-list/entity-list.js';
export type { EntityListStatus, RowActionDetail, RowEventDetail } from './components/entity-list/entity-list.component.js';
export { PkProfileForm } from './components/profile-form/profile-form.js';
export type { ProtectionDecision } from './components/protected/protected.component.js';
export { PortalElement } from './internal/portal-element.js';
export type { EmitOptions } from './internal/portal-element.js';
export { portalClientContext } from './internal/client-context.js';
export { define } from './internal/define.js';
export { getPortalLocale, setPortalLocale, SUPPORTED_LOCALES } from './localization/localization.js';
export type { SupportedLocale } from './localization/localization.js';
