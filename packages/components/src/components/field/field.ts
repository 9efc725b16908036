import { define } from '../../internal/define.js';
import { PkField } from './field.component.js';

export { PkField };
define('pk-field', PkField);

declare global {
  interface HTMLElementTagNameMap {
    'pk-field': PkField;
  }
}
