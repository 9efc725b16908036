import { define } from '../../internal/define.js';
import { PkSignIn } from './sign-in.component.js';

export { PkSignIn };
define('pk-sign-in', PkSignIn);

declare global {
  interface HTMLElementTagNameMap {
    'pk-sign-in': PkSignIn;
  }
}
