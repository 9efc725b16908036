import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { html, nothing } from 'lit';
import type { TemplateResult } from 'lit';
import '../packages/components/src/components/protected/protected.js';
import { demoClient, VISITOR_LABELS, VISITOR_OPTIONS } from './support/demo.js';
import type { DemoVisitor } from './support/demo.js';

interface ProtectedArgs {
  /** Who is signed in (a demo contact over the test double). */
  visitor: DemoVisitor;
  roles: string;
  permission: string;
  page: string;
  /** Keep the client loading: the element renders nothing until a decision. */
  loading: boolean;
}

/** A labelled frame, so each story says who is looking and what the condition is. */
function scene(args: ProtectedArgs, element: TemplateResult): TemplateResult {
  const condition = [args.roles && `roles="${args.roles}"`, args.permission && `permission="${args.permission}"`, args.page && `page="${args.page}"`]
    .filter(Boolean)
    .join(' ');
  return html`
    <p style="font: 0.85rem system-ui; color: #444; margin: 0 0 0.5rem">
      ${args.loading ? 'Client still loading' : VISITOR_LABELS[args.visitor]} · condition: ${condition || 'signed in'}
    </p>
    ${element}
  `;
}

const meta = {
  title: 'Components/pk-protected',
  component: 'pk-protected',
  args: { visitor: 'anonymous', roles: '', permission: '', page: '', loading: false },
  argTypes: {
    visitor: { control: 'select', options: VISITOR_OPTIONS, labels: VISITOR_LABELS, description: 'Demo visitor (story only)' },
    loading: { control: 'boolean', description: 'Client still loading (story only)' },
    roles: { control: 'text' },
    permission: { control: 'text' },
    page: { control: 'text' },
  },
  render: (args) => {
    const client = demoClient(args.visitor, { loading: args.loading });
    return scene(
      args,
      html`<pk-protected .client=${client} roles=${args.roles || nothing} permission=${args.permission || nothing} page=${args.page || nothing}>
        <template>
          <section style="padding: 0.75rem 1rem; border: 1px solid #1e6b35; border-radius: 6px">
            <h2 style="margin-top: 0">Protected content</h2>
            <p>Created only after an allowing decision: it was never in the DOM before.</p>
          </section>
        </template>
        <template slot="fallback">
          <p style="padding: 0.75rem 1rem; border: 1px dashed #5c5f66; border-radius: 6px">
            Fallback: this visitor does not meet the condition.
          </p>
        </template>
      </pk-protected>`,
    );
  },
} satisfies Meta<ProtectedArgs>;

export default meta;
type Story = StoryObj<ProtectedArgs>;

/** Nobody signed in and no condition: "signed in" is not met, so the fallback shows. */
export const Anonymous: Story = {};

/** anna holds only the Authenticated Users role: enough for content that just needs a signed-in visitor. */
export const AuthenticatedUsersOnly: Story = {
  name: 'Authenticated Users only (anna)',
  args: { visitor: 'anna' },
};

/** paul is a Partner Manager: the partners teaser opens for him. */
export const PartnerManagers: Story = {
  name: 'Partner Managers (paul)',
  args: { visitor: 'paul', roles: 'Partner Managers, Support Agents' },
};

/** sam is a Support Agent, the only role that may delete incidents (`incident:delete`). */
export const SupportAgents: Story = {
  name: 'Support Agents (sam)',
  args: { visitor: 'sam', permission: 'incident:delete' },
};

/** The `/partners` page rule decides (read access for Partner Managers and Support Agents). */
export const PageRule: Story = {
  name: 'Page rule /partners (paul)',
  args: { visitor: 'paul', page: '/partners' },
};

/** While the client is loading the element renders nothing at all: no content, no fallback. */
export const Loading: Story = {
  args: { visitor: 'paul', roles: 'Partner Managers', loading: true },
};

/** A signed-in visitor without the role gets the fallback slot. */
export const Fallback: Story = {
  name: 'Fallback (anna, partners only)',
  args: { visitor: 'anna', roles: 'Partner Managers, Support Agents' },
};

/** Decisions are live: change anna's roles as `portalkit roles assign` would, or sign her out. */
export const LiveRoleChange: Story = {
  name: 'Live role change (anna)',
  args: { visitor: 'anna', roles: 'Partner Managers' },
  render: (args) => {
    const client = demoClient(args.visitor);
    return html`
      <p style="display: flex; gap: 0.5rem; margin: 0 0 0.75rem">
        <button type="button" @click=${() => client.setRoles(['Partner Managers'])}>Assign Partner Managers</button>
        <button type="button" @click=${() => client.setRoles([])}>Remove it</button>
        <button type="button" @click=${() => void client.signOut()}>Sign out</button>
      </p>
      <pk-protected .client=${client} roles=${args.roles}>
        <template><p>Partner news for Partner Managers.</p></template>
        <template slot="fallback"><p>Partners only. Ask your administrator for access.</p></template>
      </pk-protected>
    `;
  },
};
