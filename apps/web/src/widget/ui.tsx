// The widget's own small, accessible building blocks (no component library:
// the embeddable chat must stay light).
import {
  useId,
  useLayoutEffect,
  useRef,
  useSyncExternalStore,
  type ButtonHTMLAttributes,
  type InputHTMLAttributes,
  type ReactNode,
  type TextareaHTMLAttributes,
} from 'react';
import { describeError } from '../lib/errors';
import type { ConnectionState, ConnectionStore } from '../lib/api';

export function WButton({
  variant = 'primary',
  size = 'md',
  loading,
  children,
  className,
  disabled,
  ...rest
}: ButtonHTMLAttributes<HTMLButtonElement> & { variant?: 'primary' | 'subtle' | 'light'; size?: 'md' | 'sm'; loading?: boolean }) {
  return (
    <button
      type="button"
      {...rest}
      disabled={disabled || loading}
      aria-busy={loading || undefined}
      className={`sbw-btn sbw-btn--${variant} sbw-btn--${size}${className ? ` ${className}` : ''}`}
    >
      {loading && <span className="sbw-spinner" aria-hidden="true" />}
      {children}
    </button>
  );
}

interface FieldProps {
  label: string;
  description?: string;
  hideLabel?: boolean;
}

export function TextField({ label, description, hideLabel, ...input }: FieldProps & InputHTMLAttributes<HTMLInputElement>) {
  const id = useId();
  return (
    <div className="sbw-field">
      <label htmlFor={id} className={hideLabel ? 'sb-visually-hidden' : undefined}>
        {label}
        {input.required && <span aria-hidden="true"> *</span>}
      </label>
      {description && (
        <span id={`${id}-d`} className="sbw-desc">
          {description}
        </span>
      )}
      <input id={id} className="sbw-input" aria-describedby={description ? `${id}-d` : undefined} {...input} />
    </div>
  );
}

/** A textarea that grows with its content up to `maxRows`. */
export function TextAreaField({
  label,
  description,
  hideLabel,
  maxRows = 6,
  ...area
}: FieldProps & TextareaHTMLAttributes<HTMLTextAreaElement> & { maxRows?: number }) {
  const id = useId();
  const ref = useRef<HTMLTextAreaElement>(null);
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    el.style.height = 'auto';
    const line = parseFloat(getComputedStyle(el).lineHeight) || 20;
    el.style.height = `${Math.min(el.scrollHeight + 2, line * maxRows + 18)}px`;
  }, [area.value, maxRows]);
  return (
    <div className="sbw-field">
      <label htmlFor={id} className={hideLabel ? 'sb-visually-hidden' : undefined}>
        {label}
        {area.required && <span aria-hidden="true"> *</span>}
      </label>
      {description && (
        <span id={`${id}-d`} className="sbw-desc">
          {description}
        </span>
      )}
      <textarea ref={ref} id={id} className="sbw-input" aria-describedby={description ? `${id}-d` : undefined} rows={area.rows ?? 1} {...area} />
    </div>
  );
}

/** An error in words, by its `extensions.code`. */
export function WAlert({
  error,
  title,
  message,
  onRetry,
  retryLabel = 'Try again',
}: {
  error: unknown;
  title?: string;
  /** Replaces the words chosen by the error's code, where the context knows better. */
  message?: string;
  onRetry?: () => void;
  retryLabel?: string;
}) {
  const d = describeError(error);
  return (
    <div className="sbw-alert" role="alert" data-error-code={d.code}>
      <strong>{title ?? d.title}</strong>
      <span>{message ?? (title ? `${d.title}. ${d.message}` : d.message)}</span>
      {onRetry && (
        <WButton size="sm" variant="light" onClick={onRetry}>
          {retryLabel}
        </WButton>
      )}
    </div>
  );
}

export function WLoading({ label }: { label: string }) {
  return (
    <div className="sb-page-loading" role="status" aria-live="polite">
      <span className="sb-spinner" aria-hidden="true" />
      {label}
    </div>
  );
}

/** Five stars as a radio group: arrow keys move between them. */
export function StarRating({ value, onChange, label }: { value: number; onChange(v: number): void; label: string }) {
  const name = useId();
  return (
    <fieldset className="sbw-stars">
      <legend>{label}</legend>
      {[1, 2, 3, 4, 5].map((n) => (
        <label key={n} className="sbw-star" data-on={n <= value || undefined}>
          <input type="radio" name={name} value={n} checked={value === n} onChange={() => onChange(n)} className="sb-visually-hidden" />
          <span aria-hidden="true">★</span>
          <span className="sb-visually-hidden">{`${n} of 5`}</span>
        </label>
      ))}
    </fieldset>
  );
}

const CONNECTION: Record<ConnectionState, string> = {
  idle: 'Ready',
  connecting: 'Connecting…',
  connected: 'Live',
  reconnecting: 'Reconnecting…',
  offline: 'Offline',
};

export function ConnectionDot({ store }: { store: ConnectionStore }) {
  const { state } = useSyncExternalStore(store.subscribe, store.get);
  return (
    <span className="sbw-conn" data-connection={state} role="status" aria-live="polite">
      <span className="sbw-conn__dot" aria-hidden="true" />
      {CONNECTION[state]}
    </span>
  );
}

export function Notice({ children, testId }: { children: ReactNode; testId?: string }) {
  return (
    <p className="sbw-notice" role="status" data-testid={testId}>
      {children}
    </p>
  );
}
