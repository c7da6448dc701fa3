import { describe, expect, it, vi } from 'vitest';
import { act, renderHook, waitFor } from '@testing-library/react';
import type { KeyboardEvent } from 'react';
import { CombinedGraphQLErrors } from '@apollo/client';
import { SendMessageDocument, SetTypingDocument } from '@switchboard/schema/client';
import type { Api } from './api';
import { useComposer, type ComposerOptions, type SendInput, type SentMessage } from './useComposer';

type Mutate = (options: { mutation: unknown; variables: Record<string, unknown> }) => Promise<{ data: unknown }>;

function stored(input: SendInput, seq = 1): SentMessage {
  return {
    __typename: 'Message',
    id: `m${seq}`,
    seq,
    kind: 'MESSAGE',
    authorType: 'AGENT',
    body: input.body,
    clientMessageId: input.clientMessageId,
    createdAt: '2026-12-07T03:00:00.000Z',
  } as unknown as SentMessage;
}

/** A fake API whose mutations answer like the server: SendMessage with the stored message, SetTyping with true. */
function fakeApi(answer?: (input: SendInput) => Promise<SentMessage>) {
  const sends: SendInput[] = [];
  const typing: boolean[] = [];
  const mutate = vi.fn<Mutate>(async ({ mutation, variables }) => {
    if (mutation === SetTypingDocument) {
      typing.push(variables.isTyping as boolean);
      return { data: { setTyping: true } };
    }
    if (mutation === SendMessageDocument) {
      const input = variables.input as SendInput;
      sends.push(input);
      return { data: { sendMessage: await (answer ?? ((i) => Promise.resolve(stored(i, sends.length))))(input) } };
    }
    throw new Error('unexpected mutation');
  });
  const upload = vi.fn(async (_conversationId: string, file: File) => ({
    __typename: 'Attachment' as const,
    id: `a-${file.name}`,
    filename: file.name,
    contentType: file.type,
    size: file.size,
    url: `/attachments/${file.name}`,
  }));
  const api = { apollo: { mutate }, upload } as unknown as Api;
  return { api, sends, typing, mutate, upload };
}

function key(init: { key: string; shiftKey?: boolean; isComposing?: boolean }) {
  return {
    key: init.key,
    shiftKey: init.shiftKey ?? false,
    nativeEvent: { isComposing: init.isComposing ?? false },
    preventDefault: vi.fn(),
  } as unknown as KeyboardEvent<HTMLTextAreaElement>;
}

function setup(api: Api, options: Partial<ComposerOptions> = {}) {
  const onSent = vi.fn();
  const view = renderHook((props: Partial<ComposerOptions>) => useComposer({ api, conversationId: 'c1', messages: [], onSent, ...options, ...props }), {
    initialProps: {},
  });
  return { ...view, onSent };
}

describe('useComposer', () => {
  it('sends the trimmed draft as a reply, clears it, and hands the stored message back', async () => {
    const { api, sends } = fakeApi();
    const onQueued = vi.fn();
    const { result, onSent } = setup(api, { onQueued });
    await waitFor(() => expect(result.current.ready).toBe(true));
    expect(result.current.canSend).toBe(false);

    act(() => result.current.change('  Hello there  '));
    expect(result.current.canSend).toBe(true);
    act(() => result.current.send());

    expect(result.current.draft).toBe('');
    expect(onQueued).toHaveBeenCalledTimes(1);
    await waitFor(() => expect(onSent).toHaveBeenCalledTimes(1));
    expect(sends).toEqual([{ conversationId: 'c1', body: 'Hello there', clientMessageId: expect.any(String) }]);
    expect(onSent.mock.calls[0]![0]).toMatchObject({ body: 'Hello there', clientMessageId: sends[0]!.clientMessageId });
    expect(result.current.outgoing).toEqual([]);
  });

  it('sends nothing for a blank draft', async () => {
    const { api, sends } = fakeApi();
    const { result } = setup(api);
    await waitFor(() => expect(result.current.ready).toBe(true));
    act(() => result.current.change('   '));
    expect(result.current.canSend).toBe(false);
    act(() => result.current.send());
    expect(result.current.outgoing).toEqual([]);
    expect(sends).toEqual([]);
  });

  it('sends on Enter, but not on Shift+Enter or while an IME composes', async () => {
    const { api, sends } = fakeApi();
    const { result, onSent } = setup(api);
    await waitFor(() => expect(result.current.ready).toBe(true));
    act(() => result.current.change('line one'));
    act(() => result.current.onKeyDown(key({ key: 'Enter', shiftKey: true })));
    act(() => result.current.onKeyDown(key({ key: 'Enter', isComposing: true })));
    act(() => result.current.onKeyDown(key({ key: 'a' })));
    expect(result.current.draft).toBe('line one');
    const enter = key({ key: 'Enter' });
    act(() => result.current.onKeyDown(enter));
    expect(enter.preventDefault).toHaveBeenCalled();
    await waitFor(() => expect(onSent).toHaveBeenCalledTimes(1));
    expect(sends.map((s) => s.body)).toEqual(['line one']);
  });

  it('shows a message as pending until it is sent, and hides it once the conversation has it', async () => {
    let release!: () => void;
    const { api, sends } = fakeApi((input) => new Promise((resolve) => (release = () => resolve(stored(input)))));
    const { result, rerender } = setup(api);
    await waitFor(() => expect(result.current.ready).toBe(true));
    act(() => result.current.change('Where is my order?'));
    act(() => result.current.send());
    await waitFor(() => expect(result.current.outgoing).toMatchObject([{ body: 'Where is my order?', status: 'sending', channel: 'reply' }]));

    // The feed brought the stored message before the mutation answered: it is not shown twice.
    rerender({ messages: [{ clientMessageId: sends[0]!.clientMessageId }] });
    expect(result.current.outgoing).toEqual([]);
    await act(async () => release());
  });

  it('keeps a message that failed for the user to retry or discard', async () => {
    let fail = true;
    const { api, sends } = fakeApi(async (input) => {
      if (fail) throw new CombinedGraphQLErrors({ data: null, errors: [{ message: 'Too long', extensions: { code: 'BAD_USER_INPUT' } }] });
      return stored(input);
    });
    const { result, onSent } = setup(api);
    await waitFor(() => expect(result.current.ready).toBe(true));
    act(() => result.current.change('first'));
    act(() => result.current.send());
    await waitFor(() => expect(result.current.outgoing).toMatchObject([{ body: 'first', status: 'failed' }]));
    expect(result.current.outgoing[0]!.error?.code).toBe('BAD_USER_INPUT');

    fail = false;
    act(() => result.current.retry(result.current.outgoing[0]!));
    await waitFor(() => expect(onSent).toHaveBeenCalledTimes(1));
    expect(result.current.outgoing).toEqual([]);
    // The retry is the same message: same clientMessageId, so the server stores it once.
    expect(sends.map((s) => s.clientMessageId)).toEqual([sends[0]!.clientMessageId, sends[0]!.clientMessageId]);

    fail = true;
    act(() => result.current.change('second'));
    act(() => result.current.send());
    await waitFor(() => expect(result.current.outgoing).toMatchObject([{ body: 'second', status: 'failed' }]));
    act(() => result.current.discard(result.current.outgoing[0]!));
    expect(result.current.outgoing).toEqual([]);
  });

  it('tells the other side about typing: on input, and "stopped" on send and on blur', async () => {
    const { api, typing } = fakeApi();
    const { result } = setup(api);
    await waitFor(() => expect(result.current.ready).toBe(true));
    act(() => result.current.change('H'));
    act(() => result.current.change('Hi'));
    expect(typing).toEqual([true]);
    act(() => result.current.send());
    expect(typing).toEqual([true, false]);
    act(() => result.current.change('again'));
    act(() => result.current.onBlur());
    expect(typing).toEqual([true, false, true, false]);
  });

  it('forgets the typing timer when it goes away, or says "stopped" with stopTypingOnLeave', async () => {
    const quiet = fakeApi();
    const a = setup(quiet.api);
    await waitFor(() => expect(a.result.current.ready).toBe(true));
    act(() => a.result.current.change('typing'));
    a.unmount();
    expect(quiet.typing).toEqual([true]);

    const polite = fakeApi();
    const b = setup(polite.api, { stopTypingOnLeave: true });
    await waitFor(() => expect(b.result.current.ready).toBe(true));
    act(() => b.result.current.change('typing'));
    b.unmount();
    expect(polite.typing).toEqual([true, false]);
  });

  it('sends the ready attachments with the message, and waits for uploads in progress', async () => {
    let finishUpload!: () => void;
    const { api, sends, upload } = fakeApi();
    const { result, onSent } = setup(api);
    await waitFor(() => expect(result.current.ready).toBe(true));
    const uploadDone = new Promise<void>((resolve) => (finishUpload = resolve));
    const real = upload.getMockImplementation()!;
    upload.mockImplementationOnce(async (conversationId, file) => {
      await uploadDone;
      return real(conversationId, file);
    });

    act(() => result.current.files.add([new File(['x'], 'photo.png', { type: 'image/png' })]));
    expect(result.current.files.uploading).toBe(true);
    expect(result.current.canSend).toBe(false);
    act(() => result.current.send());
    expect(sends).toEqual([]);

    await act(async () => finishUpload());
    await waitFor(() => expect(result.current.canSend).toBe(true));
    // A file alone is a message.
    act(() => result.current.send());
    expect(result.current.files.items).toEqual([]);
    await waitFor(() => expect(onSent).toHaveBeenCalledTimes(1));
    expect(sends).toEqual([{ conversationId: 'c1', body: '', clientMessageId: expect.any(String), attachmentIds: ['a-photo.png'] }]);
  });

  it('queues private notes separately through sendNote, without typing indicators', async () => {
    const { api, sends, typing } = fakeApi();
    let releaseNote!: () => void;
    const notes: SendInput[] = [];
    const sendNote = vi.fn(
      (input: SendInput) =>
        new Promise<SentMessage>((resolve) => {
          notes.push(input);
          releaseNote = () => resolve(stored(input, 9));
        }),
    );
    const { result, rerender, onSent } = setup(api, { sendNote, channel: 'note' });
    await waitFor(() => expect(result.current.ready).toBe(true));

    act(() => result.current.change('@Sam can you check?'));
    expect(typing).toEqual([]);
    act(() => result.current.send());
    expect(typing).toEqual([]);
    await waitFor(() => expect(result.current.outgoing).toMatchObject([{ body: '@Sam can you check?', channel: 'note', status: 'sending' }]));
    expect(sends).toEqual([]);

    // Back to replies: the pending note stays listed after the replies.
    rerender({ channel: 'reply' });
    act(() => result.current.change('Hello'));
    act(() => result.current.send());
    await waitFor(() => expect(sends.map((s) => s.body)).toEqual(['Hello']));
    await act(async () => releaseNote());
    await waitFor(() => expect(onSent).toHaveBeenCalledTimes(2));
    expect(notes).toEqual([{ conversationId: 'c1', body: '@Sam can you check?', clientMessageId: expect.any(String) }]);
    expect(result.current.outgoing).toEqual([]);
  });

  it('has no note queue without sendNote', async () => {
    const { api } = fakeApi();
    const { result } = setup(api, { channel: 'note' });
    await waitFor(() => expect(result.current.outbox).not.toBeNull());
    act(() => result.current.change('a note'));
    expect(result.current.ready).toBe(false);
    expect(result.current.canSend).toBe(false);
  });

  it('lists replies first, then notes, and confirm() drops a delivered one from either queue', async () => {
    const { api } = fakeApi(() => new Promise(() => undefined));
    const sendNote = vi.fn(() => new Promise<SentMessage>(() => undefined));
    const { result, rerender } = setup(api, { sendNote, channel: 'note' });
    await waitFor(() => expect(result.current.ready).toBe(true));
    act(() => result.current.change('note 1'));
    act(() => result.current.send());
    rerender({ channel: 'reply' });
    act(() => result.current.change('reply 1'));
    act(() => result.current.send());
    act(() => result.current.change('reply 2'));
    act(() => result.current.send());
    await waitFor(() => expect(result.current.outgoing.map((p) => `${p.channel}:${p.body}`)).toEqual(['reply:reply 1', 'reply:reply 2', 'note:note 1']));

    // reply 2 is queued behind reply 1 (in order): confirming it removes it from the queue.
    act(() => result.current.confirm(result.current.outgoing[1]!.clientMessageId));
    expect(result.current.outgoing.map((p) => p.body)).toEqual(['reply 1', 'note 1']);
  });
});
