import '../field/field.js';
import { define } from '../../internal/define.js';
import { PkProfileForm } from './profile-form.component.js';

export { PkProfileForm };
define('pk-profile-form', PkProfileForm);

declare global {
  interface HTMLElementTagNameMap {
    'pk-profile-form': PkProfileForm;
  }
}
