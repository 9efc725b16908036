import { define } from '../../internal/define.js';
import { PkPortal } from './portal.component.js';

export { PkPortal };
define('pk-portal', PkPortal);

declare global {
  interface HTMLElementTagNameMap {
    'pk-portal': PkPortal;
  }
}
