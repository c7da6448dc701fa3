// Shown instead of the sign-in form while the instance has no workspace:
// whoever deploys Switchboard creates the workspace and its first admin here.
// The server closes sign-up for good once a workspace exists.
import { useState, type FormEvent } from 'react';
import { useMutation } from '@apollo/client/react';
import { Button, Paper, PasswordInput, Stack, Text, TextInput, Title } from '@mantine/core';
import { SignUpDocument } from '@switchboard/schema/client';
import { ErrorNotice } from '../components/ErrorNotice';
import { sessionStore } from './StaffGate';

export function FirstRunForm() {
  const [workspaceName, setWorkspaceName] = useState('');
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [signUp, { loading, error }] = useMutation(SignUpDocument);

  async function submit(e: FormEvent) {
    e.preventDefault();
    try {
      const { data } = await signUp({ variables: { input: { workspaceName: workspaceName.trim(), name: name.trim(), email: email.trim(), password } } });
      if (data) sessionStore.signIn(data.signUp);
    } catch {
      // Shown below by code.
    }
  }

  return (
    <Stack component="main" maw={420} mx="auto" px="md" py={48}>
      <div>
        <Title order={1} size="h2">
          Set up Switchboard
        </Title>
        <Text c="dimmed">This instance has no workspace yet. Create it and its first admin account; sign-up closes afterwards.</Text>
      </div>
      <Paper withBorder p="lg" component="form" onSubmit={submit} aria-label="Create the first admin">
        <Stack gap="sm">
          <TextInput label="Workspace name" required value={workspaceName} onChange={(e) => setWorkspaceName(e.currentTarget.value)} />
          <TextInput label="Your name" autoComplete="name" required value={name} onChange={(e) => setName(e.currentTarget.value)} />
          <TextInput label="Email" type="email" autoComplete="username" required value={email} onChange={(e) => setEmail(e.currentTarget.value)} />
          <PasswordInput
            label="Password"
            description="At least 8 characters"
            autoComplete="new-password"
            required
            minLength={8}
            value={password}
            onChange={(e) => setPassword(e.currentTarget.value)}
          />
          {error && (
            <ErrorNotice
              error={error}
              title="Could not create the workspace"
              messages={{ FORBIDDEN: 'Sign-up is closed: this instance already has a workspace' }}
            />
          )}
          <Button type="submit" loading={loading}>
            Create workspace
          </Button>
        </Stack>
      </Paper>
    </Stack>
  );
}
