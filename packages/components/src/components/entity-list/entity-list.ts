import { define } from '../../internal/define.js';
import { PkEntityList } from './entity-list.component.js';

export { PkEntityList };
define('pk-entity-list', PkEntityList);

declare global {
  interface HTMLElementTagNameMap {
    'pk-entity-list': PkEntityList;
  }
}
