import { useState, type FormEvent } from 'react';
import { ApolloProvider, useMutation, useQuery } from '@apollo/client/react';
import { StartConversationDocument, WidgetDocument } from '@switchboard/schema/client';
import { describeError } from '../lib/errors';
import { createApi } from '../lib/api';
import { useDisposable } from '../lib/hooks';
import { TextAreaField, TextField, WAlert, WButton } from './ui';
import type { WidgetSession } from './session';
import { widgetStrings } from './i18n';

interface Props {
  widgetKey: string;
  /** The conversation exists; `message` is the first thing the customer wrote (sent once the live feed is up). */
  onStarted(session: WidgetSession, message: string): void;
}

export function StartForm(props: Props) {
  // No token yet: the conversation's customer token comes back from startConversation.
  const api = useDisposable(() => createApi({ getToken: () => null }), []);
  if (!api) return null;
  return (
    <ApolloProvider client={api.apollo}>
      <StartFormFields {...props} />
    </ApolloProvider>
  );
}

export function StartFormFields({ widgetKey, onStarted }: Props) {
  const t = widgetStrings();
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [message, setMessage] = useState('');
  const [start, { loading, error }] = useMutation(StartConversationDocument);
  // A wrong key is the site owner's mistake: say so before anyone types (the form shows meanwhile).
  const widget = useQuery(WidgetDocument, { variables: { widgetKey } });
  const badKey = widget.error && ['NOT_FOUND', 'BAD_USER_INPUT'].includes(describeError(widget.error).code);

  async function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const body = message.trim();
    if (!body) return;
    try {
      const { data } = await start({
        variables: { input: { widgetKey, name: name.trim() || null, email: email.trim() || null } },
      });
      if (!data) return;
      const { customerToken, conversation } = data.startConversation;
      onStarted({ conversationId: conversation.id, customerToken, name: name.trim() || null }, body);
    } catch {
      // Shown below by code.
    }
  }

  if (badKey) {
    return (
      <WAlert
        error={widget.error}
        title="This chat is not available"
        message="The chat on this page is not set up correctly (its widget key is unknown). Please contact the site by other means."
      />
    );
  }

  return (
    <form onSubmit={submit} aria-label="Start a conversation" className="sbw-form">
      <p style={{ margin: 0 }}>{t.greeting(widget.data ? widget.data.widget.workspaceName : null)}</p>
      <TextField label={t.yourName} autoComplete="name" value={name} onChange={(e) => setName(e.currentTarget.value)} maxLength={120} />
      <TextField
        label={t.email}
        description={t.emailHint}
        type="email"
        autoComplete="email"
        value={email}
        onChange={(e) => setEmail(e.currentTarget.value)}
        maxLength={254}
      />
      <TextAreaField
        label={t.howCanWeHelp}
        required
        rows={3}
        maxRows={6}
        value={message}
        onChange={(e) => setMessage(e.currentTarget.value)}
        maxLength={10_000}
      />
      {error && <WAlert error={error} title={t.couldNotStart} />}
      <WButton type="submit" loading={loading} disabled={!message.trim()}>
        {t.startChat}
      </WButton>
    </form>
  );
}
