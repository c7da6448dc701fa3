// The customer chat widget at /chat?widgetKey=… (also what embed.js frames).
// No component library here, to keep the route small enough to embed.
import './widget.css';
import { useEffect, useState } from 'react';
import { useSearchParams } from 'react-router';
import { WAlert } from './ui';
import { loadWidgetSession, saveWidgetSession, type WidgetSession } from './session';
import { StartForm } from './StartForm';
import { ChatView } from './ChatView';
import { markOnce } from './marks';
import { widgetStrings } from './i18n';

export default function WidgetPage() {
  const [params] = useSearchParams();
  const widgetKey = params.get('widgetKey')?.trim() || null;
  const embedded = params.get('embed') === '1';
  const [session, setSession] = useState<WidgetSession | null>(() => (widgetKey ? loadWidgetSession(widgetKey) : null));
  const [firstMessage, setFirstMessage] = useState<string | null>(null);
  useEffect(() => markOnce('switchboard:widget-mounted'), []);
  // Framed by embed.js: Escape closes the chat from inside it too (the host page only hears its own keys).
  useEffect(() => {
    if (window.parent === window) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape' && !e.defaultPrevented) closeEmbedded();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  if (!widgetKey) {
    return (
      <div className="sbw">
        <WidgetHeader subtitle="Support chat" />
        <div className="sbw-body">
          <WAlert error={{ errors: [{ message: 'Missing widget key', extensions: { code: 'BAD_USER_INPUT' } }] }} title="This chat is not set up yet" />
          <p>The page address needs the workspace's widget key: /chat?widgetKey=…</p>
        </div>
      </div>
    );
  }

  const endSession = () => {
    saveWidgetSession(widgetKey, null);
    setSession(null);
    setFirstMessage(null);
  };

  return (
    <div className="sbw" data-embedded={embedded || undefined}>
      {session ? (
        <ChatView
          key={session.conversationId}
          session={session}
          firstMessage={firstMessage}
          onFirstMessageQueued={() => setFirstMessage(null)}
          onNewConversation={endSession}
          embedded={embedded}
        />
      ) : (
        <>
          <WidgetHeader subtitle={widgetStrings().usuallyRightAway} />
          <div className="sbw-body">
            <StartForm
              widgetKey={widgetKey}
              onStarted={(s, message) => {
                saveWidgetSession(widgetKey, s);
                setFirstMessage(message);
                setSession(s);
              }}
            />
          </div>
        </>
      )}
    </div>
  );
}

/** Inside embed.js's iframe: asks the host page to close the chat. */
function closeEmbedded() {
  window.parent.postMessage({ type: 'switchboard:close' }, '*');
}

export function WidgetHeader({ subtitle, children }: { subtitle: string; children?: React.ReactNode }) {
  const embedded = typeof window !== 'undefined' && window.parent !== window;
  const t = widgetStrings();
  return (
    <header className="sbw-header">
      <div>
        <h1>{t.title}</h1>
        <p>{subtitle}</p>
      </div>
      <div className="sbw-header__end">
        {children}
        {embedded && (
          <button type="button" className="sbw-close" onClick={closeEmbedded} aria-label={t.closeChat}>
            <span aria-hidden="true">×</span>
          </button>
        )}
      </div>
    </header>
  );
}
