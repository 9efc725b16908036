/**
 * The data client against a real server: list/get/create/update/delete with ETags, another visitor's
 * row as NotFoundError, and hostile input as typed errors.
 */
import { expect } from '@open-wc/testing';
import { executeServerCommand } from '@web/test-runner-commands';
import {
  createPortalClient,
  ForbiddenError,
  NotFoundError,
  PreconditionFailedError,
  PreconditionRequiredError,
  ValidationError,
} from '../../../packages/sdk/src/index.js';
import type { PortalClient } from '../../../packages/sdk/src/index.js';
// @ts-expect-error served by the plugin, not a file
import { serverUrl } from '/__portalkit__.js';

interface Fresh { id: string; email: string; username: string; password: string }
const fresh = (roles: string[] = []): Promise<Fresh> => executeServerCommand('portalkit-create-contact', { roles }) as Promise<Fresh>;

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

describe('data client (real server)', () => {
  let client: PortalClient;
  let owner: Fresh;
  beforeEach(async () => {
    await executeServerCommand('portalkit-reset-rate-limits');
    client = createPortalClient({ server: serverUrl, storage: 'memory' });
    await client.ready;
    owner = await fresh();
    await client.signIn({ login: owner.email, password: owner.password });
  });
  afterEach(async () => {
    if (client.state.status === 'signedIn') await client.signOut();
    client.dispose();
  });

  it('creates, lists, gets, updates with the ETag and deletes only with the right one', async () => {
    const incidents = client.table('incident');
    const created = await incidents.create({ title: 'Printer is on fire', priority: 2, status: 'open' });
    expect(created['customerid']).to.equal(owner.id);
    expect(created._actions).to.include('write');
    const page = await incidents.list({ select: ['title', 'priority'], orderBy: 'priority desc', filter: "status eq 'open'", top: 10 });
    expect(page.rows.map((row) => row.id)).to.include(created.id);
    const got = await incidents.get(created.id);
    expect(got['title']).to.equal('Printer is on fire');

    expect(await rejection(incidents.update(created.id, { title: 'no etag' }))).to.be.instanceOf(PreconditionRequiredError);
    const updated = await incidents.update(created.id, { title: 'Printer is fine' }, { etag: got._etag });
    expect(updated['title']).to.equal('Printer is fine');
    const stale = await rejection(incidents.update(created.id, { title: 'stale' }, { etag: got._etag }));
    expect(stale).to.be.instanceOf(PreconditionFailedError);
    expect((stale as PreconditionFailedError).status).to.equal(412);
    // The owner may not delete (no delete grant for "Own incidents"): typed 403.
    expect(await rejection(incidents.delete(created.id, { etag: updated._etag }))).to.be.instanceOf(ForbiddenError);
    expect(client.can('delete', 'incident', updated)).to.equal(false);
  });

  it('pages through with nextCursor', async () => {
    const incidents = client.table('incident');
    for (let i = 0; i < 3; i++) await incidents.create({ title: `Paged ${i}` });
    const first = await incidents.list({ top: 2, orderBy: 'title' });
    expect(first.rows).to.have.length(2);
    expect(first.nextCursor).to.be.a('string');
    const second = await incidents.list({ top: 2, orderBy: 'title', cursor: first.nextCursor! });
    expect(second.rows.map((r) => r.id)).to.not.include.members(first.rows.map((r) => r.id));
  });

  it("another visitor's row is a NotFoundError, exactly like a missing one; agents may delete", async () => {
    const mine = await client.table('incident').create({ title: 'Mine' });
    await client.signOut();
    const other = await fresh();
    await client.signIn({ login: other.email, password: other.password });
    const foreign = await rejection(client.table('incident').get(mine.id));
    const missing = await rejection(client.table('incident').get('00000000-0000-4000-8000-000000000000'));
    expect(foreign).to.be.instanceOf(NotFoundError);
    expect(missing).to.be.instanceOf(NotFoundError);
    expect((foreign as NotFoundError).code).to.equal((missing as NotFoundError).code);
    expect(await rejection(client.table('incident').update(mine.id, { title: 'hijack' }, { etag: mine._etag }))).to.be.instanceOf(NotFoundError);
    await client.signOut();
    const agent = await fresh(['Support Agents']);
    await client.signIn({ login: agent.email, password: agent.password });
    const row = await client.table('incident').get(mine.id);
    await client.table('incident').delete(mine.id, { etag: row._etag });
    expect(await rejection(client.table('incident').get(mine.id))).to.be.instanceOf(NotFoundError);
  });

  it('hostile input gets typed errors and never reaches another origin', async () => {
    const incidents = client.table('incident');
    const xss = await incidents.create({ title: '<img src=x onerror=alert(1)>' });
    expect(xss['title']).to.equal('<img src=x onerror=alert(1)>'); // stored as data, rendered by the page as text
    const oversized = await rejection(incidents.create({ title: 'x'.repeat(300) }));
    expect(oversized).to.be.instanceOf(ValidationError);
    expect((oversized as ValidationError).errors.map((e) => e.path)).to.include('/title');
    const ownership = await rejection(incidents.create({ title: 'steal', customerid: '00000000-0000-4000-8000-000000000000', bogus: 1 }));
    expect(ownership).to.be.instanceOf(ValidationError);
    const badFilter = await rejection(incidents.list({ filter: "title eq 'a' ; DROP TABLE incident" }));
    expect(badFilter).to.be.instanceOf(ValidationError);
    expect(() => client.table('../../evil')).to.throw(TypeError);
    expect(() => client.table('incident').get('')).to.throw(TypeError);
    const traversal = await rejection(incidents.get('../../me'));
    expect(traversal).to.be.instanceOf(NotFoundError);
  });

  it('reads and updates the profile through /me with its ETag', async () => {
    const me = await client.me();
    expect(me.id).to.equal(owner.id);
    expect(me.profile?._etag).to.be.a('string');
    expect(await rejection(client.updateProfile({ jobtitle: 'Boss' }))).to.be.instanceOf(PreconditionRequiredError);
    const row = await client.updateProfile({ jobtitle: 'Boss' }, { etag: me.profile!._etag });
    expect(row['jobtitle']).to.equal('Boss');
    expect(await rejection(client.updateProfile({ email: 'evil@test.example' }, { etag: row._etag }))).to.be.instanceOf(ValidationError);
  });
});
