import { html } from 'lit';
import type { TemplateResult } from 'lit';

/** A row's action button: which action, whether the row allows it, its accessible name and text. */
export interface RowButton {
  readonly action: 'edit' | 'associate' | 'delete';
  readonly disabled: boolean;
  readonly label: string;
  readonly text: string;
}

const VALUE = Symbol('value');
const cache = new Map<string, TemplateStringsArray>();

/**
 * The strings of a row template: `cells` text cells (the first a row header), then an actions cell with
 * the given buttons. Lit then makes one template instance per row instead of one per cell and button,
 * about halving the time to render thousands of rows. The strings are constant markup (only the shape
 * varies, never with data): every value still goes through a binding, cells and labels as text.
 */
function rowStrings(cells: number, actions: readonly RowButton['action'][]): TemplateStringsArray {
  const key = `${cells}:${actions.join(',')}`;
  let strings = cache.get(key);
  if (strings) return strings;
  const pieces: (string | symbol)[] = ['<tr part="row" role="row" data-id="', VALUE, '">'];
  for (let index = 0; index < cells; index++) {
    pieces.push(index === 0 ? '<th part="cell" scope="row" role="rowheader">' : '<td part="cell" role="cell">', VALUE, index === 0 ? '</th>' : '</td>');
  }
  if (actions.length > 0) {
    pieces.push('<td part="row-actions" class="actions" role="cell">');
    for (const action of actions) {
      const variant = action === 'delete' ? ' class="danger"' : '';
      pieces.push(`<button part="action-button" type="button"${variant} data-action="${action}" data-id="`, VALUE, '" ?disabled="', VALUE, '" aria-label="', VALUE, '">', VALUE, '</button>');
    }
    pieces.push('</td>');
  }
  pieces.push('</tr>');
  const parts: string[] = [''];
  for (const piece of pieces) {
    if (typeof piece === 'string') parts[parts.length - 1] += piece;
    else parts.push('');
  }
  // Lit accepts only arrays shaped like a tagged template's (with `raw`); this is one, built once per shape.
  strings = Object.freeze(Object.assign([...parts], { raw: Object.freeze([...parts]) })) as unknown as TemplateStringsArray;
  cache.set(key, strings);
  return strings;
}

/** One body row: its id, the cells' text (never markup), and its action buttons. */
export function rowTemplate(id: string, texts: readonly string[], buttons: readonly RowButton[]): TemplateResult {
  const values: unknown[] = [id, ...texts];
  for (const button of buttons) values.push(id, button.disabled, button.label, button.text);
  return html(rowStrings(texts.length, buttons.map((button) => button.action)), ...values);
}
