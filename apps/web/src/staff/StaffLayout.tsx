import { useEffect, useState, type ReactNode } from 'react';
import { NavLink as RouterNavLink, useLocation, useNavigate } from 'react-router';
import { useMutation, useQuery, useSubscription } from '@apollo/client/react';
import { ActionIcon, AppShell, Badge, Burger, Button, Divider, Group, Indicator, Menu, Popover, ScrollArea, Stack, Text, UnstyledButton } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import {
  NotificationsDocument,
  SetPresenceDocument,
  TeamPresenceDocument,
  type NotificationsSubscription,
  type PresenceStatus,
} from '@switchboard/schema/client';
import { ConnectionStatus, useConnection } from '../components/ConnectionStatus';
import type { ConnectionStore } from '../lib/api';
import { relativeTime } from '../lib/format';
import { useStaff } from './StaffGate';

export interface NavItem {
  to: string;
  label: string;
  end?: boolean;
}

type Note = NotificationsSubscription['notifications'] & { read: boolean };

export function StaffLayout({ title, nav, aside, children }: { title: string; nav?: NavItem[]; aside?: ReactNode; children: ReactNode }) {
  const { api, me, signOut } = useStaff();
  const links: NavItem[] = [
    { to: '/agent', label: 'Inbox', end: true },
    { to: '/agent/tickets', label: 'Tickets' },
    { to: '/agent/replies', label: 'Saved replies' },
    ...(me.role === 'ADMIN' ? [{ to: '/admin', label: 'Admin' }] : []),
  ];
  const [menuOpen, menu] = useDisclosure(false);
  const location = useLocation();
  // Close the phone menu after navigating.
  // eslint-disable-next-line react-hooks/exhaustive-deps
  useEffect(() => menu.close(), [location.pathname]);
  const sideLink = (n: NavItem) => (
    <Button key={n.to} component={RouterNavLink} to={n.to} end={n.end} variant="subtle" justify="flex-start" className="sb-sidelink">
      {n.label}
    </Button>
  );
  return (
    <AppShell
      header={{ height: 56 }}
      // Section links on the side from `sm` up; on phones a menu button opens them with the main links.
      navbar={{ width: 220, breakpoint: 'sm', collapsed: { desktop: !nav, mobile: !menuOpen } }}
      padding={0}
    >
      <a href="#main" className="sb-skip">
        Skip to content
      </a>
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="lg" wrap="nowrap">
            <Burger opened={menuOpen} onClick={menu.toggle} hiddenFrom="sm" size="sm" aria-label={menuOpen ? 'Close navigation' : 'Open navigation'} />
            <Text fw={700} component="span" style={{ whiteSpace: 'nowrap' }}>
              Switchboard{' '}
              <Text span c="dimmed" fw={400} visibleFrom="sm">
                {title}
              </Text>
            </Text>
            <Group gap={4} component="nav" aria-label="Main" wrap="nowrap" visibleFrom="sm">
              {links.map((l) => (
                <Button key={l.to} component={RouterNavLink} to={l.to} end={l.end} variant="subtle" size="compact-sm" className="sb-toplink">
                  {l.label}
                </Button>
              ))}
            </Group>
          </Group>
          <Group gap="xs" wrap="nowrap" style={{ flexShrink: 0 }}>
            <ConnectionStatus store={api.connection} />
            <NotificationBell />
            <PresenceMenu connection={api.connection} userId={me.id} name={me.name} workspace={me.workspace.name} onSignOut={signOut} />
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="xs" component="nav" aria-label={`${title} navigation`}>
        <Stack gap={2}>
          <Stack gap={2} hiddenFrom="sm">
            {links.map(sideLink)}
            {nav && <Divider my={4} />}
          </Stack>
          {nav?.map(sideLink)}
        </Stack>
      </AppShell.Navbar>
      <AppShell.Main id="main" tabIndex={-1}>
        {children}
        {aside}
      </AppShell.Main>
    </AppShell>
  );
}

function PresenceMenu({
  connection,
  userId,
  name,
  workspace,
  onSignOut,
}: {
  connection: ConnectionStore;
  userId: string;
  name: string;
  workspace: string;
  onSignOut(): void;
}) {
  const [status, setStatus] = useState<PresenceStatus>('ONLINE');
  const [chosen, setChosen] = useState(false);
  // The status colleagues see (kept across reloads), until one is chosen here. The
  // server lists people with a live socket, so ask once this tab's socket is up.
  const connected = useConnection(connection).state === 'connected';
  const stored = useQuery(TeamPresenceDocument, { fetchPolicy: 'network-only', skip: !connected }).data?.teamPresence.find((p) => p.user.id === userId)?.status;
  if (!chosen && stored && stored !== status) setStatus(stored);
  const [setPresence] = useMutation(SetPresenceDocument);
  const choose = async (next: PresenceStatus) => {
    setChosen(true);
    setStatus(next);
    try {
      await setPresence({ variables: { status: next } });
    } catch {
      setStatus(status);
    }
  };
  return (
    <Menu position="bottom-end" withinPortal>
      <Menu.Target>
        <UnstyledButton aria-label={`${initials(name)}: account of ${name}, ${status.toLowerCase()}`} data-testid="account-menu">
          <Group gap={6} wrap="nowrap">
            <Indicator color={status === 'ONLINE' ? 'green' : 'yellow'} size={10} offset={2} position="bottom-end" withBorder>
              <Badge variant="light" size="lg" radius="xl">
                {initials(name)}
              </Badge>
            </Indicator>
          </Group>
        </UnstyledButton>
      </Menu.Target>
      <Menu.Dropdown>
        <Menu.Label>
          {name} · {workspace}
        </Menu.Label>
        <Menu.Item onClick={() => void choose('ONLINE')} aria-checked={status === 'ONLINE'} role="menuitemradio">
          Online
        </Menu.Item>
        <Menu.Item onClick={() => void choose('AWAY')} aria-checked={status === 'AWAY'} role="menuitemradio">
          Away
        </Menu.Item>
        <Menu.Divider />
        <Menu.Item onClick={onSignOut} color="red">
          Sign out
        </Menu.Item>
      </Menu.Dropdown>
    </Menu>
  );
}

function initials(name: string): string {
  return (
    name
      .split(/\s+/)
      .filter(Boolean)
      .slice(0, 2)
      .map((p) => p[0]!.toUpperCase())
      .join('') || '?'
  );
}

const NOTIFICATION_KIND: Record<NotificationsSubscription['notifications']['kind'], string> = {
  ASSIGNED: 'Assigned',
  HANDED_OFF: 'Handed off',
  MENTIONED: 'Mentioned',
  UNASSIGNED_HANDOFF: 'Waiting in a team inbox',
  WEBHOOK_DISABLED: 'Webhook disabled',
  SLA_BREACHED: 'SLA breached',
};

/** Conversations assigned or handed off to you, live over the `notifications` subscription. */
function NotificationBell() {
  const navigate = useNavigate();
  const [notes, setNotes] = useState<Note[]>([]);
  const [opened, setOpened] = useState(false);
  const [announce, setAnnounce] = useState('');
  useSubscription(NotificationsDocument, {
    onData: ({ data }) => {
      const n = data.data?.notifications;
      if (!n) return;
      setNotes((list) => (list.some((x) => x.id === n.id) ? list : [{ ...n, read: false }, ...list].slice(0, 50)));
      setAnnounce(n.text);
    },
  });
  const unread = notes.filter((n) => !n.read).length;
  return (
    <>
      <Popover
        opened={opened}
        onChange={(o) => {
          setOpened(o);
          if (!o) setNotes((l) => l.map((n) => ({ ...n, read: true })));
        }}
        position="bottom-end"
        width={320}
        withinPortal
        trapFocus
      >
        <Indicator label={unread} size={16} disabled={unread === 0} color="red" offset={4}>
          <Popover.Target>
            <ActionIcon
              variant="subtle"
              size="lg"
              aria-label={unread ? `Notifications, ${unread} unread` : 'Notifications'}
              onClick={() => setOpened((o) => !o)}
              data-testid="notifications-button"
            >
              <BellIcon />
            </ActionIcon>
          </Popover.Target>
        </Indicator>
        <Popover.Dropdown>
          <Text fw={600} size="sm" mb="xs">
            Notifications
          </Text>
          {notes.length === 0 ? (
            <Text size="sm" c="dimmed">
              Nothing yet. Conversations assigned or handed off to you show up here.
            </Text>
          ) : (
            <ScrollArea.Autosize mah={320}>
              <Stack gap={4} component="ul" p={0} m={0} style={{ listStyle: 'none' }}>
                {notes.map((n) => (
                  <li key={n.id}>
                    <UnstyledButton
                      w="100%"
                      p={6}
                      onClick={() => {
                        setOpened(false);
                        if (n.conversation) navigate(`/agent/c/${n.conversation.id}`);
                        else if (n.ticket) navigate(`/agent/tickets/${n.ticket.id}`);
                      }}
                    >
                      <Text size="sm" fw={n.read ? 400 : 600}>
                        {n.text}
                      </Text>
                      <Text size="xs" c="dimmed">
                        {NOTIFICATION_KIND[n.kind]} · {relativeTime(n.createdAt)}
                      </Text>
                    </UnstyledButton>
                  </li>
                ))}
              </Stack>
            </ScrollArea.Autosize>
          )}
        </Popover.Dropdown>
      </Popover>
      <span className="sb-visually-hidden" role="status" aria-live="polite">
        {announce}
      </span>
    </>
  );
}

function BellIcon() {
  return (
    <svg
      width="20"
      height="20"
      viewBox="0 0 24 24"
      fill="none"
      stroke="currentColor"
      strokeWidth="2"
      strokeLinecap="round"
      strokeLinejoin="round"
      aria-hidden="true"
    >
      <path d="M18 8a6 6 0 1 0-12 0c0 7-3 9-3 9h18s-3-2-3-9" />
      <path d="M13.73 21a2 2 0 0 1-3.46 0" />
    </svg>
  );
}
