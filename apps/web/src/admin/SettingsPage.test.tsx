import { describe, expect, it } from 'vitest';
import { fireEvent, screen } from '@testing-library/react';
import { MeDocument, UpdateWorkspaceSettingsDocument } from '@switchboard/schema/client';
import { gqlError, renderWithProviders, withTypenames } from '../test/render';
import SettingsPage from './SettingsPage';

const workspace = (retentionDays: number | null, moderationEnabled = true, supportedLanguages = ['en']) => ({
  id: 'w1',
  name: 'Acme',
  widgetKey: 'wk_1',
  createdAt: '2026-01-01T00:00:00Z',
  retentionDays,
  moderationEnabled,
  supportedLanguages,
});
const me = {
  request: { query: MeDocument },
  result: {
    data: withTypenames('Query', {
      me: {
        id: 'u1',
        name: 'Ada',
        email: 'ada@acme.test',
        role: 'ADMIN',
        status: 'ACTIVE',
        lastLoginAt: null,
        createdAt: '2026-01-01T00:00:00Z',
        workspace: workspace(null),
      },
    }),
  },
};

describe('SettingsPage', () => {
  it('turns on retention with a number of days and confirms what will happen', async () => {
    renderWithProviders(<SettingsPage />, {
      mocks: [
        me,
        {
          request: {
            query: UpdateWorkspaceSettingsDocument,
            variables: { input: { name: 'Acme', retentionDays: 30, moderationEnabled: true, supportedLanguages: ['en'] } },
          },
          result: { data: withTypenames('Mutation', { updateWorkspaceSettings: workspace(30) }) },
        },
      ],
    });
    fireEvent.click(await screen.findByRole('switch', { name: /Remove old conversations’ texts/ }));
    const days = screen.getByRole('textbox', { name: /Keep for/ });
    fireEvent.change(days, { target: { value: '30' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save settings' }));
    expect(await screen.findByTestId('settings-saved')).toHaveTextContent('removed 30 days after their last message');
  });

  it('shows the server’s refusal in words', async () => {
    renderWithProviders(<SettingsPage />, {
      mocks: [
        me,
        {
          request: {
            query: UpdateWorkspaceSettingsDocument,
            variables: { input: { name: 'Acme', retentionDays: null, moderationEnabled: true, supportedLanguages: ['en'] } },
          },
          result: { errors: [gqlError('FORBIDDEN')] as never },
        },
      ],
    });
    fireEvent.click(await screen.findByRole('button', { name: 'Save settings' }));
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('Could not save');
    expect(alert).toHaveTextContent('Your role does not allow this action.');
  });

  it('switches moderation off and sets the supported languages, refusing codes that are not two letters', async () => {
    renderWithProviders(<SettingsPage />, {
      mocks: [
        me,
        {
          request: {
            query: UpdateWorkspaceSettingsDocument,
            variables: { input: { name: 'Acme', retentionDays: null, moderationEnabled: false, supportedLanguages: ['en', 'fr', 'es'] } },
          },
          result: { data: withTypenames('Mutation', { updateWorkspaceSettings: workspace(null, false, ['en', 'fr', 'es']) }) },
        },
      ],
    });
    fireEvent.click(await screen.findByRole('switch', { name: /Moderate messages and AI answers/ }));
    const languages = screen.getByRole('textbox', { name: /Supported languages/ });
    fireEvent.change(languages, { target: { value: 'en, french' } });
    expect(screen.getByRole('button', { name: 'Save settings' })).toBeDisabled();
    fireEvent.change(languages, { target: { value: 'en, FR es, fr' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save settings' }));
    expect(await screen.findByTestId('settings-saved')).toBeInTheDocument();
  });
});
