import { Link } from 'react-router';
import { Stack, Text, Title } from '@mantine/core';
import { MantineArea } from './components/MantineArea';

export default function NotFound() {
  return (
    <MantineArea>
      <Stack component="main" align="center" py="xl">
        <Title order={1} size="h2">
          Page not found
        </Title>
        <Text>
          Try the <Link to="/agent">agent console</Link>, the <Link to="/admin">admin</Link> or the <Link to="/">start page</Link>.
        </Text>
      </Stack>
    </MantineArea>
  );
}
