import type { TableConfig } from './config.js';

/**
 * The tables every portal has. A config may add profile columns to `contact` (and columns to
 * `account`) but may not redefine these.
 */
export const BUILT_IN_TABLE_CONFIGS: Readonly<Record<'contact' | 'account', TableConfig>> = {
  contact: {
    displayName: 'Contact',
    columns: {
      username: { type: 'string', maxLength: 100, searchable: true },
      email: { type: 'string', maxLength: 254, searchable: true },
      firstname: { type: 'string', maxLength: 100, searchable: true },
      lastname: { type: 'string', maxLength: 100, searchable: true },
      accountid: { type: 'lookup', table: 'account' },
    },
  },
  account: {
    displayName: 'Account',
    columns: {
      name: { type: 'string', maxLength: 160, required: true, searchable: true },
      parentaccountid: { type: 'lookup', table: 'account' },
    },
  },
};

/**
 * Built-in columns only the server sets: who a contact is (email, username: changed through their
 * own verified flows) and which account they belong to (it decides `account` scope, so a contact who
 * could write it could move into another account's data). Never writable through a request body,
 * whatever the permissions say.
 */
export const SERVER_MANAGED_COLUMNS: Readonly<Record<string, readonly string[]>> = {
  contact: ['email', 'username', 'accountid'],
};
