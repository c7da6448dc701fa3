import { Alert, Button, Group } from '@mantine/core';
import { describeError, type ErrorCode } from '../lib/errors';

export interface ErrorNoticeProps {
  error: unknown;
  /** What was being done, e.g. "Could not load the inbox". Defaults to the error's own title. */
  title?: string;
  onRetry?: () => void;
  retryLabel?: string;
  compact?: boolean;
  /** Words for particular codes in this context, e.g. UNAUTHENTICATED on the sign-in form. */
  messages?: Partial<Record<ErrorCode, string>>;
}

/** An error in words, chosen by its `extensions.code`; announced to screen readers. */
export function ErrorNotice({ error, title, onRetry, retryLabel = 'Try again', compact, messages }: ErrorNoticeProps) {
  const described = describeError(error);
  const override = messages?.[described.code];
  const d = override ? { ...described, title: override, message: '' } : described;
  return (
    <Alert color={d.code === 'NETWORK' ? 'yellow' : 'red'} title={title ?? d.title} role="alert" data-error-code={d.code} p={compact ? 'xs' : undefined}>
      {title ? [d.title, d.message].filter(Boolean).join('. ') : d.message}
      {onRetry && (
        <Group mt="xs">
          <Button size="xs" variant="light" onClick={onRetry}>
            {retryLabel}
          </Button>
        </Group>
      )}
    </Alert>
  );
}
