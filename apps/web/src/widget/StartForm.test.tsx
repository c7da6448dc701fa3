import { describe, expect, it, vi } from 'vitest';
import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { StartConversationDocument, WidgetDocument } from '@switchboard/schema/client';
import { gqlError, renderWithProviders, withTypenames } from '../test/render';
import { StartFormFields } from './StartForm';

const conversation = {
  id: 'c1',
  status: 'OPEN',
  mode: 'AI',
  priority: 'NORMAL',
  lastMessageAt: '2026-01-01T00:00:00Z',
  contact: { id: 'k1', name: 'Ana', email: null },
  assignee: null,
  lastMessage: null,
  channel: 'WEB_WIDGET',
  language: null,
  lastSeq: 0,
  handoffReason: null,
  csatScore: null,
  csatComment: null,
  firstResponseAt: null,
  resolvedAt: null,
  createdAt: '2026-01-01T00:00:00Z',
  updatedAt: '2026-01-01T00:00:00Z',
  labels: [],
  team: null,
};

/** The greeting's query, which every form sends on mount. */
const widget = (widgetKey: string) => ({
  request: { query: WidgetDocument, variables: { widgetKey } },
  result: { data: withTypenames('Query', { widget: { workspaceName: 'Acme' } }) },
});

describe('StartFormFields', () => {
  it('starts a conversation and hands over the token and the first message', async () => {
    const user = userEvent.setup();
    const onStarted = vi.fn();
    renderWithProviders(<StartFormFields widgetKey="wk_1" onStarted={onStarted} />, {
      mocks: [
        widget('wk_1'),
        {
          request: { query: StartConversationDocument, variables: { input: { widgetKey: 'wk_1', name: 'Ana', email: null } } },
          result: { data: withTypenames('Mutation', { startConversation: { customerToken: 'ct_1', conversation } }) },
        },
      ],
    });
    const start = screen.getByRole('button', { name: 'Start chat' });
    expect(start).toBeDisabled();
    await user.type(screen.getByLabelText('Your name'), 'Ana');
    await user.type(screen.getByLabelText(/How can we help/), 'How do I get a refund?');
    await user.click(start);
    await vi.waitFor(() => expect(onStarted).toHaveBeenCalledWith({ conversationId: 'c1', customerToken: 'ct_1', name: 'Ana' }, 'How do I get a refund?'));
  });

  it('says why it could not start (by error code)', async () => {
    const user = userEvent.setup();
    renderWithProviders(<StartFormFields widgetKey="wk_bad" onStarted={vi.fn()} />, {
      mocks: [
        widget('wk_bad'),
        {
          request: { query: StartConversationDocument, variables: { input: { widgetKey: 'wk_bad', name: null, email: null } } },
          result: { errors: [gqlError('NOT_FOUND', 'Workspace not found')] as never },
        },
      ],
    });
    await user.type(screen.getByLabelText(/How can we help/), 'Hello');
    await user.click(screen.getByRole('button', { name: 'Start chat' }));
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('Could not start the chat');
    expect(alert).toHaveTextContent('Workspace not found');
  });

  it('says at once when the page’s widget key is unknown', async () => {
    renderWithProviders(<StartFormFields widgetKey="wk_gone" onStarted={() => undefined} />, {
      mocks: [{ request: { query: WidgetDocument, variables: { widgetKey: 'wk_gone' } }, result: { errors: [gqlError('NOT_FOUND')] as never } }],
    });
    expect(await screen.findByRole('alert')).toHaveTextContent('This chat is not available');
    expect(screen.queryByRole('form', { name: 'Start a conversation' })).not.toBeInTheDocument();
  });

  it('greets with the workspace’s name', async () => {
    renderWithProviders(<StartFormFields widgetKey="wk_1" onStarted={() => undefined} />, {
      mocks: [
        {
          request: { query: WidgetDocument, variables: { widgetKey: 'wk_1' } },
          result: { data: withTypenames('Query', { widget: { workspaceName: 'Acme' } }) },
        },
      ],
    });
    expect(await screen.findByText(/Ask Acme anything/)).toBeInTheDocument();
  });

  it('speaks the language the page asks for', async () => {
    window.history.replaceState(null, '', '/chat?widgetKey=wk_1&lang=fr');
    try {
      renderWithProviders(<StartFormFields widgetKey="wk_1" onStarted={vi.fn()} />, { mocks: [widget('wk_1')] });
      expect(await screen.findByRole('button', { name: 'Démarrer la discussion' })).toBeDefined();
      expect(screen.getByLabelText(/Comment pouvons-nous vous aider/)).toBeDefined();
    } finally {
      window.history.replaceState(null, '', '/');
    }
  });
});
