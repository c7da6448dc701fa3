import { useEffect, useLayoutEffect, useRef, useState, type FormEvent } from 'react';
import { ApolloProvider, useMutation, useQuery } from '@apollo/client/react';
import {
  EndConversationDocument,
  HandOffToHumanDocument,
  RateConversationDocument,
  WidgetConversationDocument,
  type ConversationEvent,
} from '@switchboard/schema/client';
import { createApi, type Api } from '../lib/api';
import { useDisposable } from '../lib/hooks';
import type { OutgoingMessage } from '../lib/outbox';
import { useComposer } from '../lib/useComposer';
import { waitingForAgent, type ChatMessage, type AnswerStream } from '../lib/conversation';
import { useLiveChat } from '../lib/useLiveChat';
import { useMessageHistory } from '../lib/useMessageHistory';
import { appendMessage } from '../lib/messageCache';
import { timeOfDay } from '../lib/format';
import { describeError } from '../lib/errors';
import { ConnectionDot, Notice, StarRating, TextAreaField, WAlert, WButton, WLoading } from './ui';
import { WidgetHeader } from './WidgetPage';
import type { WidgetSession } from './session';
import { markOnce } from './marks';
import { widgetStrings } from './i18n';
import { AttachButton, AttachmentList, DraftAttachmentList, PaperclipIcon } from '../components/Attachments';

interface Props {
  session: WidgetSession;
  firstMessage: string | null;
  onFirstMessageQueued(): void;
  onNewConversation(): void;
  embedded: boolean;
}

const HISTORY = 50;
/** How long the first message waits for the live feed before it is sent anyway. */
const FEED_WAIT_MS = 2_000;

export function ChatView(props: Props) {
  const token = props.session.customerToken;
  const api = useDisposable(() => createApi({ getToken: () => token }), [token]);
  if (!api) return <WLoading label="Opening the chat…" />;
  return (
    <ApolloProvider client={api.apollo}>
      <Chat api={api} {...props} />
    </ApolloProvider>
  );
}

function Chat({ api, session, firstMessage, onFirstMessageQueued, onNewConversation }: Props & { api: Api }) {
  const conversationId = session.conversationId;
  const query = useQuery(WidgetConversationDocument, {
    variables: { id: conversationId, last: HISTORY },
    fetchPolicy: 'network-only',
  });
  const historyReady = query.data != null;
  // Keep the newest message in view unless the customer scrolled up to read.
  const bodyRef = useRef<HTMLDivElement>(null);
  const stickRef = useRef(true);
  const history = useMessageHistory({ connection: query.data?.conversation.messages, fetchMore: query.fetchMore, scrollRef: bodyRef });
  const { keepAnchor } = history;

  // The feed's messages carry no citations: read the latest few again (into the cached history) for the AI reply's sources.
  const refreshSources = () => {
    api.apollo.query({ query: WidgetConversationDocument, variables: { id: conversationId, last: 5 }, fetchPolicy: 'network-only' }).catch(() => undefined);
  };

  const onEvent = (event: ConversationEvent) => {
    if (event.__typename === 'ConversationUpdated' && event.change === 'erased') void query.refetch();
    if (event.__typename === 'AiAnswerChunk' || (event.__typename === 'MessageAdded' && event.message.authorType === 'AI')) markOnce('switchboard:first-token');
    if (event.__typename !== 'MessageAdded') return;
    composer.confirm(event.message.clientMessageId);
    if (event.message.authorType === 'AI') refreshSources();
  };

  const { messages, streams, state, dispatch, feedError, resubscribe } = useLiveChat({
    client: api.ws,
    cache: api.apollo.cache,
    conversationId,
    messages: history.messages,
    start: historyReady,
    self: { type: 'CUSTOMER' },
    read: query.data?.conversation,
    onEvent,
  });

  const composer = useComposer({
    api,
    conversationId,
    messages,
    onSent: (message) => appendMessage(api.apollo.cache, message),
    onQueued: () => {
      stickRef.current = true;
    },
  });
  const { outbox, files, outgoing } = composer;

  // The first message goes out once the live feed is up, so its AI answer streams in.
  useEffect(() => {
    if (!outbox || !firstMessage || !historyReady) return;
    let done = false;
    const send = () => {
      if (done) return;
      done = true;
      markOnce('switchboard:first-send');
      outbox.enqueue(firstMessage);
      onFirstMessageQueued();
    };
    const timer = setTimeout(send, FEED_WAIT_MS);
    const unsubscribe = api.connection.subscribe(() => {
      if (api.connection.get().state === 'connected') setTimeout(send, 50);
    });
    if (api.connection.get().state === 'connected') send();
    return () => {
      done = true;
      clearTimeout(timer);
      unsubscribe();
    };
  }, [outbox, firstMessage, historyReady, api, onFirstMessageQueued]);

  const t = widgetStrings();
  const [endChat, ending] = useMutation(EndConversationDocument);
  const [askForPerson, asking] = useMutation(HandOffToHumanDocument);
  const [rated, setRated] = useState<number | null>(null);

  const status = state.live.status;
  const mode = state.live.mode;
  const csatScore = rated ?? query.data?.conversation.csatScore ?? null;
  // Once the chat is resolved (by the customer's "End chat" or by an agent) it asks for a rating.
  const showRating = csatScore == null && status === 'RESOLVED';
  const waiting = waitingForAgent(messages, mode, status);
  const agentTyping = state.typing.filter((t) => t.type === 'AGENT');
  const agentName = state.live.assigneeName ?? agentTyping[0]?.name ?? null;

  useLayoutEffect(() => {
    const el = bodyRef.current;
    // Earlier messages going in above keep the ones being read where they were.
    if (!el || keepAnchor()) return;
    if (stickRef.current) el.scrollTop = el.scrollHeight;
  }, [keepAnchor, messages, streams, outgoing.length, waiting, showRating, agentTyping.length]);

  const subtitle = status === 'RESOLVED' ? t.subtitleResolved : mode === 'HUMAN' ? (agentName ? t.subtitleAgent(agentName) : t.subtitleHuman) : t.subtitleAi;

  if (query.error) {
    const { code } = describeError(query.error);
    const gone = code === 'UNAUTHENTICATED' || code === 'NOT_FOUND' || code === 'FORBIDDEN';
    return (
      <>
        <WidgetHeader subtitle={t.supportChat} />
        <div className="sbw-body">
          <WAlert
            error={query.error}
            title={gone ? 'This conversation is no longer available' : 'Could not load the conversation'}
            message={gone ? 'It has ended or expired on this device. Start a new one and we will pick it up from there.' : undefined}
            onRetry={gone ? onNewConversation : () => void query.refetch()}
            retryLabel={gone ? 'Start a new conversation' : 'Try again'}
          />
        </div>
      </>
    );
  }

  return (
    <>
      <WidgetHeader subtitle={subtitle}>
        <ConnectionDot store={api.connection} />
      </WidgetHeader>
      <div
        className="sbw-body"
        ref={bodyRef}
        role="log"
        aria-label="Conversation"
        tabIndex={0}
        onScroll={(e) => {
          const el = e.currentTarget;
          stickRef.current = el.scrollHeight - el.scrollTop - el.clientHeight < 80;
        }}
      >
        {query.loading && !historyReady && <WLoading label="Loading your conversation…" />}
        {history.hasEarlier && (
          <p className="sbw-older">
            <WButton size="sm" variant="subtle" loading={history.loadingEarlier} onClick={history.loadEarlier}>
              Show earlier messages
            </WButton>
          </p>
        )}
        {history.earlierError != null && <WAlert error={history.earlierError} title="Could not load earlier messages" onRetry={history.loadEarlier} />}
        <ol className="sbw-log">
          {messages.map((m) => (
            <MessageItem key={m.seq} message={m} />
          ))}
          {streams.map((s) => (
            <StreamItem key={s.replyToSeq} stream={s} />
          ))}
          {outgoing.map((p) => (
            <PendingItem key={p.clientMessageId} item={p} onRetry={() => composer.retry(p)} onDiscard={() => composer.discard(p)} />
          ))}
        </ol>
        {streams.length > 0 && (
          <p className="sb-visually-hidden" role="status">
            The AI assistant is writing an answer…
          </p>
        )}
        {waiting && <Notice testId="handoff-notice">{t.handoffNotice}</Notice>}
        {feedError != null && <WAlert error={feedError} title="Live updates stopped" onRetry={resubscribe} retryLabel="Reconnect" />}
        {ending.error && <WAlert error={ending.error} title="Could not end the chat" />}
        {asking.error && <WAlert error={asking.error} title="Could not reach a person" />}
        {showRating && <RatingPanel conversationId={conversationId} onRated={setRated} takeFocus={ending.called} />}
        {csatScore != null && <Notice testId="rating-thanks">Thank you for your feedback ({csatScore} of 5).</Notice>}
      </div>
      <div className="sbw-typing" aria-live="polite">
        {agentTyping.length > 0 && t.typing(agentTyping[0]!.name ?? null)}
      </div>
      <DraftAttachmentList items={files.items} onRemove={files.remove} />
      <form className="sbw-composer" onSubmit={composer.send}>
        <AttachButton onFiles={files.add} disabled={!composer.ready} />
        <TextAreaField
          label={t.yourMessage}
          hideLabel
          placeholder={t.writeMessage}
          // Right after the start form, the customer goes on typing here.
          autoFocus={firstMessage != null}
          rows={1}
          maxRows={5}
          value={composer.draft}
          maxLength={10_000}
          onChange={(e) => composer.change(e.currentTarget.value)}
          onKeyDown={composer.onKeyDown}
          onBlur={composer.onBlur}
        />
        <WButton type="submit" disabled={!composer.canSend}>
          {t.send}
        </WButton>
      </form>
      <div className="sbw-footer">
        {status !== 'RESOLVED' && mode === 'AI' && (
          <WButton
            variant="subtle"
            size="sm"
            loading={asking.loading}
            onClick={() =>
              void askForPerson({ variables: { id: conversationId } })
                .then(({ data }) => {
                  // The feed brings the handoff note; the header and notice follow the mode.
                  if (data) dispatch({ type: 'live', live: { mode: data.handOffToHuman.mode, handoffReason: data.handOffToHuman.handoffReason } });
                })
                .catch(() => undefined)
            }
          >
            {t.talkToPerson}
          </WButton>
        )}
        {status !== 'RESOLVED' ? (
          <WButton
            variant="subtle"
            size="sm"
            loading={ending.loading}
            onClick={() =>
              void endChat({ variables: { id: conversationId } })
                .then(({ data }) => {
                  // Resolved: the rating panel opens by itself.
                  if (data) dispatch({ type: 'live', live: { status: data.endConversation.status } });
                })
                .catch(() => undefined)
            }
          >
            {t.endChat}
          </WButton>
        ) : (
          <span />
        )}
        <WButton variant="subtle" size="sm" onClick={onNewConversation}>
          {t.newConversation}
        </WButton>
      </div>
    </>
  );
}

/** Each message keeps its own author's name, whoever is assigned now. */
function authorLabel(m: ChatMessage): string | null {
  const t = widgetStrings();
  switch (m.authorType) {
    case 'CUSTOMER':
      return t.you;
    case 'AI':
      return t.aiAssistant;
    case 'AGENT':
      return m.authorName ?? m.author?.name ?? t.agent;
    case 'SYSTEM':
      return null;
  }
}

function MessageItem({ message: m }: { message: ChatMessage }) {
  const label = authorLabel(m);
  const sources = (m.citations ?? []).filter((c) => c.faq);
  return (
    <li className="sbw-msg" data-testid="message" data-author={m.authorType} data-seq={m.seq} data-streamed-chunks={m.streamedChunks ?? 0}>
      {label && <span className="sbw-who">{label}</span>}
      {m.body && <p className="sbw-text">{m.body}</p>}
      <AttachmentList attachments={m.attachments} />
      {sources.length > 0 && (
        <div className="sbw-sources" data-testid="sources">
          <span>Sources</span>
          <ul>
            {sources.map((c) => (
              <li key={c.faq!.id}>{c.faq!.question}</li>
            ))}
          </ul>
        </div>
      )}
      <span className="sbw-meta">
        <time dateTime={m.createdAt}>{timeOfDay(m.createdAt)}</time>
      </span>
    </li>
  );
}

function StreamItem({ stream }: { stream: AnswerStream }) {
  return (
    <li className="sbw-msg" data-author="AI" data-testid="ai-stream" aria-hidden="true">
      <span className="sbw-who">AI assistant</span>
      <p className="sbw-text sbw-cursor">{stream.text}</p>
    </li>
  );
}

function PendingItem({ item, onRetry, onDiscard }: { item: OutgoingMessage; onRetry(): void; onDiscard(): void }) {
  const t = widgetStrings();
  return (
    <li className="sbw-msg" data-author="CUSTOMER" data-pending="true" data-testid="pending-message" data-status={item.status}>
      <span className="sbw-who">{t.you}</span>
      {item.body && <p className="sbw-text">{item.body}</p>}
      {item.attachments?.map((a) => (
        <p key={a.id} className="sbw-text">
          <PaperclipIcon size={14} /> {a.filename}
        </p>
      ))}
      <span className="sbw-meta">
        {item.status === 'sending' || item.status === 'queued'
          ? t.sending
          : item.status === 'retrying'
            ? t.waitingForConnection
            : `Not sent: ${item.error?.message ?? 'unknown error'}`}
      </span>
      {item.status === 'failed' && (
        <span className="sbw-row">
          <WButton size="sm" variant="light" onClick={onRetry}>
            {t.retry}
          </WButton>
          <WButton size="sm" variant="light" onClick={onDiscard}>
            {t.discard}
          </WButton>
        </span>
      )}
    </li>
  );
}

function RatingPanel({ conversationId, onRated, takeFocus }: { conversationId: string; onRated(score: number): void; takeFocus: boolean }) {
  const [score, setScore] = useState(0);
  // Opened by the customer's own "End chat", it takes the focus that button had (not when an agent resolves mid-sentence).
  const formRef = useRef<HTMLFormElement>(null);
  useEffect(() => {
    if (takeFocus) formRef.current?.querySelector<HTMLInputElement>('input')?.focus();
  }, [takeFocus]);
  const [comment, setComment] = useState('');
  const [rate, { loading, error }] = useMutation(RateConversationDocument);
  async function submit(e: FormEvent) {
    e.preventDefault();
    if (score < 1) return;
    try {
      await rate({ variables: { id: conversationId, score, comment: comment.trim() || null } });
      onRated(score);
    } catch {
      // Shown below.
    }
  }
  return (
    <form className="sbw-notice sbw-form" onSubmit={submit} data-testid="rating-panel" ref={formRef}>
      <StarRating value={score} onChange={setScore} label="How was this conversation?" />
      <TextAreaField
        label="Anything to add? (optional)"
        rows={1}
        maxRows={3}
        value={comment}
        maxLength={2000}
        onChange={(e) => setComment(e.currentTarget.value)}
      />
      {error && <WAlert error={error} title="Could not save your rating" />}
      <span className="sbw-row">
        <WButton type="submit" size="sm" loading={loading} disabled={score < 1}>
          Send rating
        </WButton>
      </span>
    </form>
  );
}
