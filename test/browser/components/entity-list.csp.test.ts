/**
 * `<pk-entity-list>` on a page with the companion server's strict style policy (`style-src 'self'`):
 * in a file of its own, because a policy set by `<meta>` stays with the document.
 */
import { expect } from '@open-wc/testing';
import { DEMO, demoClient } from './support/demo-config.js';
import { $, demoIncidents, entityList, settled } from './support/entity-list-fixtures.js';

describe('<pk-entity-list> under a Content-Security-Policy', () => {
  it('sizes its grid through the CSSOM, not a style attribute the policy refuses', async () => {
    const client = await demoClient({ contact: DEMO.anna, tables: { incident: demoIncidents() } });
    const refused: string[] = [];
    const onViolation = (event: SecurityPolicyViolationEvent) => refused.push(event.violatedDirective);
    document.addEventListener('securitypolicyviolation', onViolation);
    // The policy the companion server sends with pages, for styles; it applies from here on.
    const meta = Object.assign(document.createElement('meta'), { httpEquiv: 'Content-Security-Policy', content: "style-src 'self'" });
    document.head.append(meta);
    try {
      const element = await entityList(client, { columns: 'title status priority' });
      const table = $(element, 'table')!;
      expect(getComputedStyle(table).getPropertyValue('--_pk-columns').trim()).to.equal('3');
      expect(getComputedStyle(table).getPropertyValue('--_pk-actions').trim()).to.equal('1');
      element.columns = 'title status';
      await settled(element);
      expect(getComputedStyle($(element, 'table')!).getPropertyValue('--_pk-columns').trim()).to.equal('2');
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(refused).to.deep.equal([]);
    } finally {
      document.removeEventListener('securitypolicyviolation', onViolation);
    }
  });

});
