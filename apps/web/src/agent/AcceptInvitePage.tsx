import { useState, type FormEvent } from 'react';
import { useNavigate, useSearchParams } from 'react-router';
import { ApolloProvider, useMutation } from '@apollo/client/react';
import { Button, Paper, PasswordInput, Stack, Text, TextInput, Title } from '@mantine/core';
import { AcceptInviteDocument } from '@switchboard/schema/client';
import { createApi } from '../lib/api';
import { useDisposable } from '../lib/hooks';
import { ErrorNotice } from '../components/ErrorNotice';
import { sessionStore } from '../staff/StaffGate';

/** /agent/accept-invite?token=…: a colleague sets a password with the one-time invitation token. */
export function AcceptInvitePage() {
  const api = useDisposable(() => createApi({ getToken: () => null }), []);
  if (!api) return null;
  return (
    <ApolloProvider client={api.apollo}>
      <AcceptInviteForm />
    </ApolloProvider>
  );
}

function AcceptInviteForm() {
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const [token, setToken] = useState(params.get('token') ?? '');
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [accept, { loading, error }] = useMutation(AcceptInviteDocument);

  async function submit(e: FormEvent) {
    e.preventDefault();
    try {
      const { data } = await accept({ variables: { input: { token: token.trim(), password, name: name.trim() || null } } });
      if (data) {
        sessionStore.signIn(data.acceptInvite);
        navigate('/agent', { replace: true });
      }
    } catch {
      // Shown below.
    }
  }

  return (
    <Stack component="main" maw={440} mx="auto" px="md" py={48}>
      <Title order={1} size="h2">
        Join your team on Switchboard
      </Title>
      <Paper withBorder p="lg" component="form" onSubmit={submit} aria-label="Accept invitation">
        <Stack gap="sm">
          <TextInput label="Invitation token" required value={token} onChange={(e) => setToken(e.currentTarget.value)} />
          <TextInput
            label="Your name"
            description="Optional; keeps the name your admin entered if empty"
            maxLength={120}
            value={name}
            onChange={(e) => setName(e.currentTarget.value)}
          />
          <PasswordInput
            label="Choose a password"
            description="At least 8 characters"
            required
            minLength={8}
            maxLength={200}
            autoComplete="new-password"
            value={password}
            onChange={(e) => setPassword(e.currentTarget.value)}
          />
          {error && (
            <ErrorNotice
              error={error}
              title="Could not accept the invitation"
              messages={{ NOT_FOUND: 'This invitation has already been used, has expired, or the token is wrong. Ask your admin for a new one.' }}
            />
          )}
          <Button type="submit" loading={loading}>
            Join
          </Button>
          <Text size="xs" c="dimmed">
            The token is shown once to the admin who invited you.
          </Text>
        </Stack>
      </Paper>
    </Stack>
  );
}
