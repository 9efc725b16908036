/**
 * The fixed vocabulary of the Power Pages visitor-security model.
 * @packageDocumentation
 */

/** What a table permission can allow. `create` applies to a table; the others to rows. */
export const PRIVILEGES = ['read', 'write', 'create', 'delete', 'append', 'appendTo'] as const;
/** One of {@link PRIVILEGES}. */
export type Privilege = (typeof PRIVILEGES)[number];

/** Which rows a table permission reaches. */
export const SCOPES = ['global', 'contact', 'account', 'self', 'parent'] as const;
/** One of {@link SCOPES}. */
export type Scope = (typeof SCOPES)[number];

/** Column types a table can declare. */
export const COLUMN_TYPES = [
  'string',
  'text',
  'integer',
  'decimal',
  'boolean',
  'datetime',
  'choice',
  'lookup',
] as const;
/** One of {@link COLUMN_TYPES}. */
export type ColumnType = (typeof COLUMN_TYPES)[number];

/** Operations a column permission governs. */
export const COLUMN_OPERATIONS = ['read', 'update', 'create'] as const;
/** One of {@link COLUMN_OPERATIONS}. */
export type ColumnOperation = (typeof COLUMN_OPERATIONS)[number];

/** Page rule rights (Power Pages "webpage access control rules"). */
export const PAGE_RIGHTS = ['restrictRead', 'grantChange'] as const;
/** One of {@link PAGE_RIGHTS}. */
export type PageRight = (typeof PAGE_RIGHTS)[number];

/** Front-side editing rights a website permission can give. */
export const WEBSITE_RIGHTS = [
  'manageContentSnippets',
  'manageSiteMarkers',
  'manageWebLinkSets',
  'previewUnpublishedContent',
] as const;
/** One of {@link WEBSITE_RIGHTS}. */
export type WebsiteRight = (typeof WEBSITE_RIGHTS)[number];

/** Registration modes for local and external sign-in. */
export const REGISTRATION_MODES = ['open', 'invitation', 'closed'] as const;
/** One of {@link REGISTRATION_MODES}. */
export type RegistrationMode = (typeof REGISTRATION_MODES)[number];

/** Built-in tables that always exist. */
export const BUILT_IN_TABLES = ['contact', 'account'] as const;

/**
 * Columns every table has, managed by the server. They can be read (when the row can) but never set
 * through a request body. `rowversion` counts a row's changes; the data API shows it as the `_etag`.
 */
export const SYSTEM_COLUMNS = ['id', 'createdon', 'modifiedon', 'rowversion'] as const;
