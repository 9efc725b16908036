import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { html } from 'lit';
import '../packages/components/src/components/field/field.js';

interface FieldArgs {
  invalid: boolean;
  label: string;
  hint: string;
  error: string;
}

const meta = {
  title: 'Components/pk-field',
  component: 'pk-field',
  args: { invalid: false, label: 'Job title', hint: 'As it appears on your business card.', error: '' },
  argTypes: { label: { control: 'text' }, hint: { control: 'text' }, error: { control: 'text' } },
  // Label, control and messages stay in the light DOM: `for`/`id` and `aria-describedby` work as on
  // any page, and so do browser autofill and password managers.
  render: (args) => html`
    <pk-field ?invalid=${args.invalid}>
      <label slot="label" for="jobtitle">${args.label}</label>
      <input id="jobtitle" name="jobtitle" autocomplete="organization-title" aria-describedby="jobtitle-hint jobtitle-error" aria-invalid=${args.invalid ? 'true' : 'false'} />
      <span slot="hint" id="jobtitle-hint">${args.hint}</span>
      <span slot="error" id="jobtitle-error">${args.error}</span>
    </pk-field>
  `,
} satisfies Meta<FieldArgs>;

export default meta;
type Story = StoryObj<FieldArgs>;

/** A text input with a label and a hint. */
export const Default: Story = {};

/** `invalid` with a message in the `error` slot (referenced by `aria-describedby`). */
export const Invalid: Story = {
  args: { invalid: true, label: 'Email', hint: '', error: 'Enter an email address such as name@example.com.' },
};

/** Sign-in style fields: the autocomplete tokens password managers look for. */
export const Credentials: Story = {
  render: () => html`
    <form @submit=${(event: Event) => event.preventDefault()} style="display: grid; gap: 0.75rem; max-width: 24rem">
      <pk-field>
        <label slot="label" for="login">Email or username</label>
        <input id="login" name="login" autocomplete="username" required />
      </pk-field>
      <pk-field>
        <label slot="label" for="password">Password</label>
        <input id="password" name="password" type="password" autocomplete="current-password" required />
      </pk-field>
      <pk-field actions>
        <button type="submit" data-variant="primary">Sign in</button>
        <button type="button" data-variant="link">Forgot your password?</button>
      </pk-field>
    </form>
  `,
};

/** Other native controls: a select and a textarea. */
export const SelectAndTextarea: Story = {
  name: 'Select and textarea',
  render: () => html`
    <div style="display: grid; gap: 0.75rem; max-width: 24rem">
      <pk-field>
        <label slot="label" for="status">Status</label>
        <select id="status" name="status">
          <option>open</option>
          <option>in progress</option>
          <option>closed</option>
        </select>
      </pk-field>
      <pk-field>
        <label slot="label" for="description">Description</label>
        <textarea id="description" name="description" rows="4" maxlength="4000" aria-describedby="description-hint"></textarea>
        <span slot="hint" id="description-hint">Up to 4,000 characters.</span>
      </pk-field>
    </div>
  `,
};

/** `actions`: a row of buttons (`data-variant="primary"` and `"link"`). */
export const Actions: Story = {
  render: () => html`
    <pk-field actions>
      <button type="button" data-variant="primary">Save</button>
      <button type="button">Cancel</button>
      <button type="button" data-variant="link">Change password</button>
    </pk-field>
  `,
};
