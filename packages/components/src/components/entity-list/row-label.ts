/**
 * A short, human label for a row in a lookup list, a button's name or a confirmation: its first naming
 * column. Apart from the form because the list's row buttons use it before any dialog is loaded.
 */
export function rowLabel(row: Readonly<Record<string, unknown>>): string {
  for (const column of ['title', 'name', 'fullname', 'headline', 'filename', 'email', 'username', 'text']) {
    const value = row[column];
    if (typeof value === 'string' && value.trim() !== '') return value.length > 80 ? `${value.slice(0, 79)}…` : value;
  }
  return String(row['id'] ?? '');
}
