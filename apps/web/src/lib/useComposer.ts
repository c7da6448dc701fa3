// The message composer shared by the customer widget and the agent console:
// the draft, its attachments, the typing indicator, and the outgoing queue
// (optimistic pending items, automatic retries, retry/discard after a failure).
// What only one surface has stays with it: the console passes `sendNote` for
// private notes and runs its saved-reply and mention pickers before
// `onKeyDown`; the widget's first message goes straight to `outbox`.
import { useEffect, useMemo, useRef, useState, useSyncExternalStore, type FormEvent, type KeyboardEvent } from 'react';
import { SendMessageDocument, SetTypingDocument, type SendMessageInput, type SendMessageMutation } from '@switchboard/schema/client';
import type { Api } from './api';
import { useDisposable } from './hooks';
import { Outbox, type OutgoingMessage } from './outbox';
import { createTypingNotifier } from './typing';
import { useDraftAttachments } from '../components/Attachments';

export type SentMessage = SendMessageMutation['sendMessage'];
export type ComposerChannel = 'reply' | 'note';
export type SendInput = Pick<SendMessageInput, 'conversationId' | 'body' | 'clientMessageId' | 'attachmentIds'>;

/** A message on its way out, and the queue it waits in. */
export interface PendingMessage extends OutgoingMessage {
  channel: ComposerChannel;
}

export interface ComposerOptions {
  api: Api;
  conversationId: string;
  /** The conversation's messages so far: a pending item whose clientMessageId is among them is shown as delivered. */
  messages: readonly { clientMessageId?: string | null }[];
  /** The stored message the mutation answered with (merge it by seq, as the feed's). */
  onSent(message: SentMessage): void;
  /** The queue the draft goes to (default `reply`); `note` needs `sendNote`. */
  channel?: ComposerChannel;
  /** Sends a private note (the console's AddNote); without it there is no note queue. */
  sendNote?(input: SendInput): Promise<SentMessage>;
  /**
   * Tell the other side "stopped typing" when the composer goes away (the console, leaving a
   * conversation for another). The widget only forgets its timer: its session may be over.
   */
  stopTypingOnLeave?: boolean;
  /** Called after the draft was queued (e.g. to scroll to the newest message). */
  onQueued?(): void;
}

export interface Composer {
  draft: string;
  setDraft(next: string | ((draft: string) => string)): void;
  /** The text box changed: keeps the draft and tells the other side the user is typing (replies only). */
  change(value: string): void;
  /** Enter sends, Shift+Enter (or an IME composition) does not. */
  onKeyDown(e: KeyboardEvent<HTMLTextAreaElement>): void;
  /** The text box lost focus: "stopped typing". */
  onBlur(): void;
  /** Queues the draft and its ready attachments on the current channel; a no-op when `canSend` is false. */
  send(e?: FormEvent): void;
  canSend: boolean;
  /** The current channel's queue exists (it is created after the first render). */
  ready: boolean;
  /** The draft's attachments (uploaded as soon as they are picked). */
  files: ReturnType<typeof useDraftAttachments>;
  /** Messages not yet delivered: replies first, then notes, each in the order they were written. */
  outgoing: PendingMessage[];
  retry(item: PendingMessage): void;
  discard(item: PendingMessage): void;
  /** The live feed brought the stored message: it needs no more sending. */
  confirm(clientMessageId: string | null | undefined): void;
  /** The reply queue, for messages that do not come from the draft (the widget's first message). */
  outbox: Outbox<SentMessage> | null;
}

export function useComposer({
  api,
  conversationId,
  messages,
  onSent,
  channel = 'reply',
  sendNote,
  stopTypingOnLeave = false,
  onQueued,
}: ComposerOptions): Composer {
  const hasNotes = sendNote != null;
  const sendReply = async (input: SendInput): Promise<SentMessage> => {
    const res = await api.apollo.mutate({ mutation: SendMessageDocument, variables: { input } });
    if (!res.data) throw new Error('No data');
    return res.data.sendMessage;
  };
  // Callers pass inline functions; the queues, made once per conversation, call the latest ones.
  const latest = useRef({ onSent, send: { reply: sendReply, note: sendNote } });
  latest.current = { onSent, send: { reply: sendReply, note: sendNote } };

  // Replies and notes each go out through a queue of their own (in order, retried, idempotent by clientMessageId).
  const queueFor = (c: ComposerChannel) =>
    new Outbox<SentMessage>({
      send: ({ clientMessageId, body, attachmentIds }) => latest.current.send[c]!({ conversationId, body, clientMessageId, attachmentIds }),
      onSent: (message) => latest.current.onSent(message),
    });
  const outbox = useDisposable(() => queueFor('reply'), [api, conversationId]);
  const noteQueue = useDisposable(() => (hasNotes ? queueFor('note') : NO_QUEUE), [api, conversationId, hasNotes]);
  const notes = noteQueue === NO_QUEUE ? null : (noteQueue as Outbox<SentMessage> | null);
  const queue = channel === 'note' ? notes : outbox;

  const pendingReplies = useSyncExternalStore(outbox?.subscribe ?? noopSubscribe, outbox?.get ?? emptyOutbox);
  const pendingNotes = useSyncExternalStore(notes?.subscribe ?? noopSubscribe, notes?.get ?? emptyOutbox);
  const outgoing = useMemo(() => {
    const delivered = new Set(messages.map((m) => m.clientMessageId).filter(Boolean));
    const tag = (items: readonly OutgoingMessage[], c: ComposerChannel) =>
      items.filter((p) => !delivered.has(p.clientMessageId)).map((p): PendingMessage => ({ ...p, channel: c }));
    return [...tag(pendingReplies, 'reply'), ...tag(pendingNotes, 'note')];
  }, [messages, pendingReplies, pendingNotes]);

  const files = useDraftAttachments(api, conversationId);

  const typing = useMemo(
    () =>
      createTypingNotifier((isTyping) => {
        void api.apollo.mutate({ mutation: SetTypingDocument, variables: { conversationId, isTyping } }).catch(() => undefined);
      }),
    [api, conversationId],
  );
  useEffect(() => () => (stopTypingOnLeave ? typing.stop() : typing.dispose()), [typing, stopTypingOnLeave]);

  const [draft, setDraft] = useState('');
  const canSend = (draft.trim() !== '' || files.ready.length > 0) && !files.uploading && queue != null;

  const send = (e?: FormEvent) => {
    e?.preventDefault();
    const body = draft.trim();
    if ((!body && !files.ready.length) || files.uploading || !queue) return;
    queue.enqueue(body, files.ready);
    files.clear();
    setDraft('');
    // Notes are not typed to the customer.
    if (channel === 'reply') typing.stop();
    onQueued?.();
  };

  const queueOf = (item: PendingMessage) => (item.channel === 'note' ? notes : outbox);

  return {
    draft,
    setDraft,
    change(value) {
      setDraft(value);
      if (channel === 'reply' && value.trim()) typing.input();
    },
    onKeyDown(e) {
      if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) send(e);
    },
    onBlur: () => typing.stop(),
    send,
    canSend,
    ready: queue != null,
    files,
    outgoing,
    retry: (item) => queueOf(item)?.retry(item.clientMessageId),
    discard: (item) => queueOf(item)?.discard(item.clientMessageId),
    confirm(clientMessageId) {
      outbox?.confirm(clientMessageId);
      notes?.confirm(clientMessageId);
    },
    outbox,
  };
}

/** Stands for "no note queue" (useDisposable needs something to dispose). */
const NO_QUEUE = { dispose() {} };
const noopSubscribe = () => () => undefined;
const EMPTY: readonly OutgoingMessage[] = [];
const emptyOutbox = () => EMPTY;
