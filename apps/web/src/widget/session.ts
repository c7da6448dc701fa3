// The widget remembers its conversation per widget key, so a reload (or the
// iframe being re-created by embed.js) picks the chat up where it was.
export interface WidgetSession {
  conversationId: string;
  customerToken: string;
  name: string | null;
}

const key = (widgetKey: string) => `switchboard.widget.${widgetKey}`;

export function loadWidgetSession(widgetKey: string): WidgetSession | null {
  try {
    const raw = localStorage.getItem(key(widgetKey));
    if (!raw) return null;
    const s = JSON.parse(raw) as WidgetSession;
    return typeof s.conversationId === 'string' && typeof s.customerToken === 'string' ? s : null;
  } catch {
    return null;
  }
}

export function saveWidgetSession(widgetKey: string, session: WidgetSession | null) {
  try {
    if (session) localStorage.setItem(key(widgetKey), JSON.stringify(session));
    else localStorage.removeItem(key(widgetKey));
  } catch {
    // Storage may be blocked in third-party iframes; the chat still works until reload.
  }
}
