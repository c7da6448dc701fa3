import { Link } from 'react-router';
import { Code, Paper, Stack, Text, Title } from '@mantine/core';
import { MantineArea } from './components/MantineArea';

export default function HomePage() {
  const origin = window.location.origin;
  return (
    <MantineArea>
      <Stack component="main" maw={720} mx="auto" p="lg" gap="md">
        <header>
          <Title order={1}>Switchboard</Title>
          <Text c="dimmed">AI-first customer service</Text>
        </header>
        <Paper withBorder p="md">
          <Title order={2} size="h4">
            For your team
          </Title>
          <ul>
            <li>
              <Link to="/agent">Agent console</Link>: live inbox, conversations, AI suggestions and knowledge search.
            </li>
            <li>
              <Link to="/admin">Admin</Link>: knowledge base, AI model configurations, evaluations, team, jobs and system status.
            </li>
          </ul>
        </Paper>
        <Paper withBorder p="md">
          <Title order={2} size="h4">
            For your customers
          </Title>
          <Text size="sm">
            Open the chat at <Code>/chat?widgetKey=…</Code> (the key is in Admin → Team), or embed it on any site:
          </Text>
          <Code block mt="xs">{`<script src="${origin}/embed.js" data-widget-key="YOUR_WIDGET_KEY" async></script>`}</Code>
        </Paper>
      </Stack>
    </MantineArea>
  );
}
