import { define } from '../../internal/define.js';
import { PkProtected } from './protected.component.js';

export { PkProtected };
define('pk-protected', PkProtected);

declare global {
  interface HTMLElementTagNameMap {
    'pk-protected': PkProtected;
  }
}
