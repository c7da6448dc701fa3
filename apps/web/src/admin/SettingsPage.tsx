import { useEffect, useState, type FormEvent } from 'react';
import { useMutation, useQuery } from '@apollo/client/react';
import { Alert, Button, Group, NumberInput, Paper, Stack, Switch, Text, TextInput, Title } from '@mantine/core';
import { MeDocument, UpdateWorkspaceSettingsDocument } from '@switchboard/schema/client';
import { ErrorNotice } from '../components/ErrorNotice';
import { Loading } from '../components/States';
import { Page } from './Page';

const MAX_DAYS = 3650;

export default function SettingsPage() {
  const me = useQuery(MeDocument);
  const workspace = me.data?.me.workspace;
  const [name, setName] = useState('');
  const [retain, setRetain] = useState(false);
  const [days, setDays] = useState<number | string>(365);
  const [moderate, setModerate] = useState(true);
  const [languages, setLanguages] = useState('en');
  const [save, { loading, error, data, reset }] = useMutation(UpdateWorkspaceSettingsDocument);

  useEffect(() => {
    if (!workspace) return;
    setName(workspace.name);
    setRetain(workspace.retentionDays != null);
    if (workspace.retentionDays != null) setDays(workspace.retentionDays);
    setModerate(workspace.moderationEnabled);
    setLanguages(workspace.supportedLanguages.join(', '));
  }, [workspace]);

  const languageList = [
    ...new Set(
      languages
        .split(/[\s,]+/)
        .map((l) => l.trim().toLowerCase())
        .filter(Boolean),
    ),
  ];
  const languagesValid = languageList.length > 0 && languageList.length <= 20 && languageList.every((l) => /^[a-z]{2}$/.test(l));
  const daysValid = !retain || (typeof days === 'number' && Number.isInteger(days) && days >= 1 && days <= MAX_DAYS);

  async function submit(e: FormEvent) {
    e.preventDefault();
    reset();
    try {
      await save({
        variables: { input: { name: name.trim(), retentionDays: retain ? Number(days) : null, moderationEnabled: moderate, supportedLanguages: languageList } },
      });
    } catch {
      // Shown below by code.
    }
  }

  return (
    <Page title="Settings" description="Your workspace’s name, how long customer conversations are kept, moderation and the languages you serve.">
      {me.error && <ErrorNotice error={me.error} title="Could not load settings" onRetry={() => void me.refetch()} />}
      {me.loading && !workspace && <Loading />}
      {workspace && (
        <Paper withBorder p="md" component="form" onSubmit={submit} maw={560} aria-labelledby="settings-title">
          <Title order={2} size="h4" id="settings-title">
            Workspace
          </Title>
          <Stack gap="sm" mt="xs">
            <TextInput label="Name" required maxLength={120} value={name} onChange={(e) => setName(e.currentTarget.value)} />
            <Switch
              label="Remove old conversations’ texts"
              description="Message texts, comments and ticket descriptions of resolved conversations, and customers’ names and emails once none of their conversations is left. Counts, times and ratings stay, so analytics do not change."
              checked={retain}
              onChange={(e) => setRetain(e.currentTarget.checked)}
            />
            {retain && (
              <NumberInput
                label="Keep for (days after the last message)"
                min={1}
                max={MAX_DAYS}
                allowDecimal={false}
                value={days}
                onChange={setDays}
                error={daysValid ? undefined : `Between 1 and ${MAX_DAYS} days`}
                data-testid="retention-days"
              />
            )}
            <Text size="xs" c="dimmed">
              A job checks every hour; removal cannot be undone.
            </Text>
            <Switch
              label="Moderate messages and AI answers"
              description="Customer messages with abuse or profanity are flagged for agents (never dropped); an AI answer that fails the check is withheld and the conversation goes to a person."
              checked={moderate}
              onChange={(e) => setModerate(e.currentTarget.checked)}
            />
            <TextInput
              label="Supported languages"
              description="Two-letter codes, the knowledge base’s language first (e.g. en, fr, es). Other languages go to a person when the knowledge base cannot answer them."
              value={languages}
              onChange={(e) => setLanguages(e.currentTarget.value)}
              error={languagesValid ? undefined : 'One to 20 two-letter codes, e.g. en, fr'}
              data-testid="supported-languages"
            />
            {error && <ErrorNotice error={error} title="Could not save" compact />}
            {data && !error && (
              <Alert color="green" title="Saved" data-testid="settings-saved">
                {data.updateWorkspaceSettings.retentionDays == null
                  ? 'Conversations are kept until you erase them.'
                  : `Resolved conversations’ texts are removed ${data.updateWorkspaceSettings.retentionDays} days after their last message.`}
              </Alert>
            )}
            <Group>
              <Button type="submit" loading={loading} disabled={!name.trim() || !daysValid || !languagesValid}>
                Save settings
              </Button>
            </Group>
          </Stack>
        </Paper>
      )}
    </Page>
  );
}
