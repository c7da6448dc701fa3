// Sends typing indicators sparingly (the API allows 20 per 10 s): "typing" on
// the first keystroke and again every few seconds while typing continues,
// "stopped" after a pause or when the message is sent.
export interface TypingNotifier {
  /** Call on every keystroke. */
  input(): void;
  /** Call when the message is sent or the field loses focus. */
  stop(): void;
  dispose(): void;
}

export function createTypingNotifier(
  send: (isTyping: boolean) => void,
  { idleMs = 3_000, resendMs = 4_000, now = () => Date.now() }: { idleMs?: number; resendMs?: number; now?: () => number } = {},
): TypingNotifier {
  let typing = false;
  let lastSent = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const stop = () => {
    clearTimeout(timer);
    if (!typing) return;
    typing = false;
    send(false);
  };
  return {
    input() {
      const t = now();
      if (!typing || t - lastSent >= resendMs) {
        typing = true;
        lastSent = t;
        send(true);
      }
      clearTimeout(timer);
      timer = setTimeout(stop, idleMs);
    },
    stop,
    dispose() {
      clearTimeout(timer);
    },
  };
}
