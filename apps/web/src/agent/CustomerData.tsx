// Data-rights requests for the customer of a conversation (admins): a copy of
// everything held about them, and erasure of their personal data.
import { useState } from 'react';
import { useMutation } from '@apollo/client/react';
import { Alert, Button, Group, Modal, Stack, Text, TextInput, Title } from '@mantine/core';
import { EraseContactDocument, ExportContactDataDocument, type ContactFieldsFragment } from '@switchboard/schema/client';
import { ErrorNotice } from '../components/ErrorNotice';
import { contactName } from '../lib/format';

/** Offers a JSON document for the browser to save. */
function download(filename: string, data: unknown) {
  const url = URL.createObjectURL(new Blob([JSON.stringify(data, null, 2)], { type: 'application/json' }));
  const a = Object.assign(document.createElement('a'), { href: url, download: filename });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

const CONFIRM_WORD = 'ERASE';

export function CustomerData({ contact, onErased }: { contact: ContactFieldsFragment; onErased(): void }) {
  const [exportData, exporting] = useMutation(ExportContactDataDocument);
  const [erase, erasing] = useMutation(EraseContactDocument);
  const [confirming, setConfirming] = useState(false);
  const [typed, setTyped] = useState('');

  async function onExport() {
    const { data } = await exportData({ variables: { contactId: contact.id } }).catch(() => ({ data: undefined }));
    if (data) download(`customer-${contact.id}.json`, data.exportContactData);
  }

  async function onErase() {
    const { data } = await erase({ variables: { contactId: contact.id } }).catch(() => ({ data: undefined }));
    if (data?.eraseContact) {
      setConfirming(false);
      setTyped('');
      onErased();
    }
  }

  return (
    <Stack gap="xs" component="section" aria-labelledby="customer-data-title">
      <Title order={3} size="h6" id="customer-data-title">
        Customer data requests
      </Title>
      <Text size="xs" c="dimmed">
        Both are recorded in the audit log.
      </Text>
      {exporting.error && <ErrorNotice error={exporting.error} title="Could not export the customer’s data" compact />}
      <Group gap="xs">
        <Button variant="default" size="xs" loading={exporting.loading} onClick={() => void onExport()}>
          Download their data (JSON)
        </Button>
        <Button variant="light" color="red" size="xs" onClick={() => setConfirming(true)}>
          Erase personal data…
        </Button>
      </Group>
      {erasing.data?.eraseContact && (
        <Alert color="green" title="Personal data erased" data-testid="contact-erased">
          Name, email and the text of their messages and comments are gone; the conversation’s metrics remain.
        </Alert>
      )}
      <Modal
        opened={confirming}
        onClose={() => {
          setConfirming(false);
          setTyped('');
        }}
        title="Erase this customer’s personal data?"
      >
        <Stack gap="sm">
          <Text size="sm">
            This removes {contactName(contact)}’s name and email, the text of every message they wrote and their rating comments, in all their conversations. It
            cannot be undone. Anonymous metrics (counts, times, ratings) are kept.
          </Text>
          <TextInput
            label={`Type ${CONFIRM_WORD} to confirm`}
            value={typed}
            onChange={(e) => setTyped(e.currentTarget.value)}
            autoComplete="off"
            data-autofocus
          />
          {erasing.error && <ErrorNotice error={erasing.error} title="Could not erase the data" compact />}
          <Group justify="flex-end">
            <Button
              variant="default"
              onClick={() => {
                setConfirming(false);
                setTyped('');
              }}
            >
              Cancel
            </Button>
            <Button color="red" disabled={typed.trim() !== CONFIRM_WORD} loading={erasing.loading} onClick={() => void onErase()}>
              Erase personal data
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Stack>
  );
}
