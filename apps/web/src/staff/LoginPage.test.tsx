import { describe, expect, it } from 'vitest';
import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { LogInDocument } from '@switchboard/schema/client';
import { gqlError, renderWithProviders } from '../test/render';
import { LoginForm } from './LoginPage';

describe('LoginForm', () => {
  it('has labelled fields and explains a wrong password in words', async () => {
    const user = userEvent.setup();
    renderWithProviders(<LoginForm area="agent console" />, {
      mocks: [
        {
          request: { query: LogInDocument, variables: { input: { email: 'alex@example.com', password: 'nope' } } },
          result: { errors: [gqlError('UNAUTHENTICATED', 'Wrong email or password')] as never },
        },
      ],
    });
    await user.type(screen.getByLabelText(/^Email/), 'alex@example.com');
    await user.type(screen.getByLabelText(/^Password/), 'nope');
    await user.click(screen.getByRole('button', { name: 'Sign in' }));
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('Could not sign you in');
    expect(alert).toHaveTextContent('Wrong email or password');
    expect(alert).toHaveAttribute('data-error-code', 'UNAUTHENTICATED');
  });
});
