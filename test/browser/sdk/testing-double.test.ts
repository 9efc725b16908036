/**
 * `@portalkit/sdk/testing`: the test double makes the same decisions and raises the same typed errors
 * as the real client on the same sequence against the real server.
 */
import { expect } from '@open-wc/testing';
import { executeServerCommand } from '@web/test-runner-commands';
import type { PortalConfig } from '@portalkit/core';
import { createPortalClient } from '../../../packages/sdk/src/index.js';
import type { PortalClient } from '../../../packages/sdk/src/index.js';
import { createTestPortalClient } from '../../../packages/sdk/src/testing/index.js';
// @ts-expect-error served by the plugin, not a file
import { serverUrl } from '/__portalkit__.js';

interface Fresh { id: string; email: string; username: string; password: string }

const QUESTIONS = [
  ['read', 'incident'], ['create', 'incident'], ['delete', 'incident'], ['read', 'announcement'], ['write', 'contact'], ['read', 'note'],
] as const;
const PAGES = ['/', '/partners', '/partners/news', '/profile', '/incidents/42'];

function decisions(client: PortalClient) {
  return {
    status: client.state.status,
    roles: client.state.status === 'loading' ? [] : client.state.roles,
    can: QUESTIONS.map(([privilege, table]) => client.can(privilege, table)),
    pages: PAGES.map((path) => client.canReadPage(path)),
    columns: [client.canColumn('read', 'contact', 'creditlimit'), client.canColumn('create', 'incident', 'internalnotes')],
  };
}

async function outcome(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'ok';
  } catch (error) {
    return (error as Error).constructor.name;
  }
}

async function sequence(client: PortalClient, login: string, password: string): Promise<unknown[]> {
  const log: unknown[] = [decisions(client)];
  log.push(await outcome(client.signIn({ login, password: 'wrong-password-1' })));
  await client.signIn({ login, password });
  log.push(decisions(client));
  const incidents = client.table('incident');
  const row = await incidents.create({ title: 'Double trouble' });
  log.push(row._actions);
  log.push(await outcome(incidents.update(row.id, { title: 'x' })));
  const updated = await incidents.update(row.id, { title: 'y' }, { etag: row._etag });
  log.push(await outcome(incidents.update(row.id, { title: 'z' }, { etag: row._etag })));
  log.push(await outcome(incidents.delete(row.id, { etag: updated._etag })));
  log.push(await outcome(incidents.get('00000000-0000-4000-8000-000000000000')));
  await client.signOut();
  log.push(decisions(client));
  return log;
}

describe('testing double', () => {
  it('matches the real client on the same sequence', async () => {
    await executeServerCommand('portalkit-reset-rate-limits');
    const config = (await (await fetch('/examples/contoso/portal.config.json')).json()) as PortalConfig;
    const contact = (await executeServerCommand('portalkit-create-contact', { roles: ['Partner Managers'] })) as Fresh;
    const real = createPortalClient({ server: serverUrl, storage: 'memory' });
    await real.ready;
    const double = createTestPortalClient({ config, contacts: [{ ...contact, roles: ['Partner Managers'] }] });
    await double.ready;
    const [fromReal, fromDouble] = [await sequence(real, contact.email, contact.password), await sequence(double, contact.email, contact.password)];
    real.dispose();
    expect(fromDouble).to.deep.equal(fromReal);
  });

  it('is labelled as a test double and hides unreadable columns and rows', async () => {
    const config = (await (await fetch('/examples/contoso/portal.config.json')).json()) as PortalConfig;
    const double = createTestPortalClient({
      config,
      contact: { id: 'c1', roles: [] },
      tables: {
        incident: [
          { id: 'i1', title: 'mine', customerid: 'c1', internalnotes: 'secret' },
          { id: 'i2', title: 'theirs', customerid: 'c2' },
        ],
      },
    });
    const page = await double.table('incident').list();
    expect(page.rows.map((row) => row.id)).to.deep.equal(['i1']);
    expect(page.rows[0]).to.not.have.property('internalnotes');
    expect(await outcome(double.table('incident').get('i2'))).to.equal('NotFoundError');
    expect(double.rights).to.not.equal(null);
  });
});
