import { useState, type FormEvent } from 'react';
import { useMutation } from '@apollo/client/react';
import { Button, Group, Modal, Select, Stack, TextInput, Textarea } from '@mantine/core';
import { CreateTicketDocument, type Priority, type TicketDetailFragment } from '@switchboard/schema/client';
import { ErrorNotice } from '../components/ErrorNotice';

const PRIORITIES: { value: Priority; label: string }[] = [
  { value: 'LOW', label: 'Low' },
  { value: 'NORMAL', label: 'Normal' },
  { value: 'HIGH', label: 'High' },
  { value: 'URGENT', label: 'Urgent' },
];

export function TicketModal({
  opened,
  conversationId,
  onClose,
  onCreated,
}: {
  opened: boolean;
  conversationId: string;
  onClose(): void;
  onCreated(ticket: TicketDetailFragment): void;
}) {
  const [subject, setSubject] = useState('');
  const [priority, setPriority] = useState<Priority>('NORMAL');
  const [description, setDescription] = useState('');
  const [create, { loading, error, reset }] = useMutation(CreateTicketDocument);
  // Closing, however it happens, forgets the last attempt's error.
  const close = () => {
    reset();
    onClose();
  };

  async function submit(e: FormEvent) {
    e.preventDefault();
    try {
      const { data } = await create({
        variables: { input: { conversationId, subject: subject.trim() || null, priority, description: description.trim() || null } },
      });
      if (data) {
        onCreated(data.createTicket);
        setSubject('');
        setDescription('');
        setPriority('NORMAL');
      }
    } catch {
      // Shown below by code.
    }
  }

  return (
    <Modal opened={opened} onClose={close} title="Create a ticket from this conversation">
      <form onSubmit={submit}>
        <Stack gap="sm">
          <TextInput
            label="Subject"
            description="Leave empty to use the customer's first message"
            value={subject}
            onChange={(e) => setSubject(e.currentTarget.value)}
            maxLength={200}
            data-autofocus
          />
          <Select label="Priority" data={PRIORITIES} value={priority} onChange={(v) => v && setPriority(v as Priority)} allowDeselect={false} />
          <Textarea
            label="Description"
            autosize
            minRows={3}
            maxRows={8}
            maxLength={20_000}
            value={description}
            onChange={(e) => setDescription(e.currentTarget.value)}
          />
          {error && <ErrorNotice error={error} title="Could not create the ticket" compact />}
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              Cancel
            </Button>
            <Button type="submit" loading={loading}>
              Create ticket
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
