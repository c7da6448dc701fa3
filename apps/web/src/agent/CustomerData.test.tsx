import { describe, expect, it, vi } from 'vitest';
import { fireEvent, screen, waitFor } from '@testing-library/react';
import { EraseContactDocument, ExportContactDataDocument } from '@switchboard/schema/client';
import { gqlError, renderWithProviders, withTypenames } from '../test/render';
import { CustomerData } from './CustomerData';

const contact = { __typename: 'Contact' as const, id: 'c1', name: 'Greta Gray', email: 'greta@example.com' };

describe('CustomerData', () => {
  it('downloads everything held about the customer as JSON', async () => {
    const created: Blob[] = [];
    Object.assign(URL, { createObjectURL: (b: Blob) => (created.push(b), 'blob:x'), revokeObjectURL: () => undefined });
    renderWithProviders(<CustomerData contact={contact} onErased={() => undefined} />, {
      mocks: [
        {
          request: { query: ExportContactDataDocument, variables: { contactId: 'c1' } },
          result: { data: withTypenames('Mutation', { exportContactData: { contact: { name: 'Greta Gray' }, conversations: [] } }) },
        },
      ],
    });
    fireEvent.click(screen.getByRole('button', { name: 'Download their data (JSON)' }));
    await waitFor(() => expect(created).toHaveLength(1));
    expect(JSON.parse(await created[0]!.text())).toEqual({ contact: { name: 'Greta Gray' }, conversations: [] });
  });

  it('erases only after the word is typed, then reports it', async () => {
    const onErased = vi.fn();
    renderWithProviders(<CustomerData contact={contact} onErased={onErased} />, {
      mocks: [
        { request: { query: EraseContactDocument, variables: { contactId: 'c1' } }, result: { data: withTypenames('Mutation', { eraseContact: true }) } },
      ],
    });
    fireEvent.click(screen.getByRole('button', { name: 'Erase personal data…' }));
    const confirm = await screen.findByRole('button', { name: 'Erase personal data' });
    expect(confirm).toBeDisabled();
    fireEvent.change(screen.getByLabelText('Type ERASE to confirm'), { target: { value: 'erase' } });
    expect(confirm).toBeDisabled(); // the word as shown
    fireEvent.change(screen.getByLabelText('Type ERASE to confirm'), { target: { value: 'ERASE' } });
    expect(confirm).toBeEnabled();
    fireEvent.click(confirm);
    expect(await screen.findByTestId('contact-erased')).toHaveTextContent('metrics remain');
    expect(onErased).toHaveBeenCalledOnce();
  });

  it('shows a refusal in words', async () => {
    renderWithProviders(<CustomerData contact={contact} onErased={() => undefined} />, {
      mocks: [{ request: { query: ExportContactDataDocument, variables: { contactId: 'c1' } }, result: { errors: [gqlError('FORBIDDEN')] as never } }],
    });
    fireEvent.click(screen.getByRole('button', { name: 'Download their data (JSON)' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('Your role does not allow this action.');
  });
});
