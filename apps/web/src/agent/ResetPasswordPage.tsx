import { useState, type FormEvent } from 'react';
import { useNavigate, useSearchParams } from 'react-router';
import { ApolloProvider, useMutation } from '@apollo/client/react';
import { Button, Paper, PasswordInput, Stack, TextInput, Title } from '@mantine/core';
import { ResetPasswordDocument } from '@switchboard/schema/client';
import { createApi } from '../lib/api';
import { useDisposable } from '../lib/hooks';
import { ErrorNotice } from '../components/ErrorNotice';
import { sessionStore } from '../staff/StaffGate';

/** /agent/reset-password?token=…: a member sets a new password with the one-time link an admin gave them. */
export function ResetPasswordPage() {
  const api = useDisposable(() => createApi({ getToken: () => null }), []);
  if (!api) return null;
  return (
    <ApolloProvider client={api.apollo}>
      <ResetPasswordForm />
    </ApolloProvider>
  );
}

function ResetPasswordForm() {
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const [token, setToken] = useState(params.get('token') ?? '');
  const [password, setPassword] = useState('');
  const [reset, { loading, error }] = useMutation(ResetPasswordDocument);

  async function submit(e: FormEvent) {
    e.preventDefault();
    try {
      const { data } = await reset({ variables: { input: { token: token.trim(), password } } });
      if (data) {
        sessionStore.signIn(data.resetPassword);
        navigate('/agent', { replace: true });
      }
    } catch {
      // Shown below.
    }
  }

  return (
    <Stack component="main" maw={440} mx="auto" px="md" py={48}>
      <Title order={1} size="h2">
        Choose a new password
      </Title>
      <Paper withBorder p="lg" component="form" onSubmit={submit} aria-label="Reset password">
        <Stack gap="sm">
          <TextInput label="Reset token" required value={token} onChange={(e) => setToken(e.currentTarget.value)} />
          <PasswordInput
            label="New password"
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
              title="Could not reset the password"
              messages={{ NOT_FOUND: 'This link has already been used or is wrong. Ask your admin for a new one.' }}
            />
          )}
          <Button type="submit" loading={loading}>
            Set password and sign in
          </Button>
        </Stack>
      </Paper>
    </Stack>
  );
}
