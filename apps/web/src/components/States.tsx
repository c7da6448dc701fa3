import type { ReactNode } from 'react';
import { Loader, Stack, Text } from '@mantine/core';

/** A loading indicator with a text label for screen readers (and sighted users). */
export function Loading({ label = 'Loading…', inline }: { label?: string; inline?: boolean }) {
  return (
    <Stack align="center" gap="xs" py={inline ? 'xs' : 'xl'} role="status" aria-live="polite">
      <Loader size={inline ? 'sm' : 'md'} aria-hidden />
      <Text size="sm" c="dimmed">
        {label}
      </Text>
    </Stack>
  );
}

export function Empty({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <Stack align="center" gap={4} py="xl" px="md" ta="center" data-testid="empty-state">
      <Text fw={600}>{title}</Text>
      {children && (
        <Text size="sm" c="dimmed">
          {children}
        </Text>
      )}
    </Stack>
  );
}
