import { useSyncExternalStore } from 'react';
import { Badge } from '@mantine/core';
import type { ConnectionState, ConnectionStore } from '../lib/api';

const LABEL: Record<ConnectionState, { text: string; color: string }> = {
  idle: { text: 'Ready', color: 'gray' },
  connecting: { text: 'Connecting…', color: 'gray' },
  connected: { text: 'Live', color: 'green' },
  reconnecting: { text: 'Reconnecting…', color: 'yellow' },
  offline: { text: 'Offline', color: 'red' },
};

export function useConnection(store: ConnectionStore) {
  return useSyncExternalStore(store.subscribe, store.get);
}

/** The live-update connection's state, announced politely when it changes. */
export function ConnectionStatus({ store }: { store: ConnectionStore }) {
  const { state } = useConnection(store);
  const l = LABEL[state];
  return (
    <Badge color={l.color} variant="dot" role="status" aria-live="polite" data-connection={state}>
      {l.text}
    </Badge>
  );
}
