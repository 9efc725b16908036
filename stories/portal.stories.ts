import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { html } from 'lit';
import '../packages/components/src/components/portal/portal.js';
import '../packages/components/src/components/protected/protected.js';
import { demoClient, VISITOR_LABELS, VISITOR_OPTIONS } from './support/demo.js';
import type { DemoVisitor } from './support/demo.js';

interface PortalArgs {
  visitor: DemoVisitor;
  loading: boolean;
  locale: string;
}

const meta = {
  title: 'Components/pk-portal',
  component: 'pk-portal',
  args: { visitor: 'paul', loading: false, locale: '' },
  argTypes: {
    visitor: { control: 'select', options: VISITOR_OPTIONS, labels: VISITOR_LABELS, description: 'Demo visitor (story only)' },
    loading: { control: 'boolean', description: 'Client still loading (story only)' },
    locale: { control: 'select', options: ['', 'en', 'fr'] },
  },
  // One client (set as `.client`, as a framework or a test would) provided to every element inside:
  // the three regions below have no client of their own.
  render: (args) => html`
    <pk-portal .client=${demoClient(args.visitor, { loading: args.loading })} locale=${args.locale}>
      <p style="font: 0.85rem system-ui; color: #444">${args.loading ? 'Client still loading' : VISITOR_LABELS[args.visitor]}</p>
      <ul>
        <li>
          <pk-protected>
            <template><span>Signed-in content</span></template>
            <template slot="fallback"><span>Sign in to see your incidents</span></template>
          </pk-protected>
        </li>
        <li>
          <pk-protected roles="Partner Managers">
            <template><span>Partner news</span></template>
            <template slot="fallback"><span>Partners only</span></template>
          </pk-protected>
        </li>
        <li>
          <pk-protected permission="incident:delete">
            <template><span>Support tools (may delete incidents)</span></template>
            <template slot="fallback"><span>No support tools</span></template>
          </pk-protected>
        </li>
      </ul>
    </pk-portal>
  `,
} satisfies Meta<PortalArgs>;

export default meta;
type Story = StoryObj<PortalArgs>;

/** Nobody signed in: every region shows its fallback. */
export const Anonymous: Story = { args: { visitor: 'anonymous' } };

/** anna: signed in, no extra role. */
export const AuthenticatedUsersOnly: Story = { name: 'Authenticated Users only (anna)', args: { visitor: 'anna' } };

/** paul: Partner Managers. */
export const PartnerManagers: Story = { name: 'Partner Managers (paul)', args: { visitor: 'paul' } };

/** sam: Support Agents. */
export const SupportAgents: Story = { name: 'Support Agents (sam)', args: { visitor: 'sam' } };

/** The provided client is still loading: every region inside renders nothing yet. */
export const Loading: Story = { args: { visitor: 'paul', loading: true } };

/** `locale="fr"` switches the elements' strings to French (loaded on demand). */
export const French: Story = { name: 'Locale fr', args: { visitor: 'anna', locale: 'fr' } };
