import { msg } from '@lit/localize';
import type { ApiRow } from '@portalkit/sdk';
import { toFormValue } from './profile-fields.js';
import type { FormValue, ProfileField } from './profile-fields.js';

/** One of the visitor's edits that the newer saved row holds differently. */
export interface ConflictDifference {
  readonly name: string;
  readonly label: string;
  /** What the visitor typed, as shown to them. */
  readonly mine: string;
  /** What is saved now, as shown to them. */
  readonly saved: string;
}

/** A save refused because the row changed since it was read (412). */
export interface ProfileConflict {
  /** The visitor's edits (control values), kept so they can be applied again on the newer row. */
  readonly edits: Readonly<Record<string, FormValue>>;
  readonly differences: readonly ConflictDifference[];
}

/**
 * Compares the visitor's edits with the row as it is saved now. Edits of columns they can no longer
 * change (or see) are dropped: applying them again would only fail.
 */
export function conflictOf(fields: readonly ProfileField[], edits: Readonly<Record<string, FormValue>>, profile: ApiRow): ProfileConflict {
  const kept: Record<string, FormValue> = {};
  const differences: ConflictDifference[] = [];
  for (const field of fields) {
    if (field.readOnly || !Object.hasOwn(edits, field.name)) continue;
    const mine = edits[field.name]!;
    kept[field.name] = mine;
    const saved = toFormValue(field, profile[field.name]);
    if (saved !== mine) differences.push({ name: field.name, label: field.label, mine: shown(mine), saved: shown(saved) });
  }
  return { edits: kept, differences };
}

function shown(value: FormValue): string {
  if (typeof value === 'boolean') return value ? msg('Yes', { id: 'profile.value.yes' }) : msg('No', { id: 'profile.value.no' });
  return value === '' ? msg('(empty)', { id: 'profile.value.empty' }) : value;
}
