// Message attachments in the widget and the console: the files of a message
// (images inline as thumbnails that open full size, PDFs as links with name
// and size), the paperclip that picks files, and the uploads of a draft.
// Plain elements: the widget does not load Mantine.
import { useCallback, useRef, useState } from 'react';
import type { Api } from '../lib/api';
import { describeError } from '../lib/errors';
import type { OutgoingAttachment } from '../lib/outbox';
import { ACCEPTED_TYPES, formatSize, isImage, type UploadedAttachment } from '../lib/upload';

export function AttachmentList({ attachments }: { attachments: readonly UploadedAttachment[] | null | undefined }) {
  if (!attachments?.length) return null;
  return (
    <ul className="sb-attachments" data-testid="attachments">
      {attachments.map((a) =>
        isImage(a.contentType) ? (
          <li key={a.id}>
            <a href={a.url} target="_blank" rel="noopener noreferrer" className="sb-attachment-image" title={`${a.filename} (${formatSize(a.size)})`}>
              <img src={a.url} alt={a.filename} loading="lazy" data-testid="attachment-image" />
            </a>
          </li>
        ) : (
          <li key={a.id}>
            <a href={a.url} download={a.filename} className="sb-attachment-file" data-testid="attachment-file">
              <span className="sb-attachment-kind" aria-hidden="true">
                PDF
              </span>{' '}
              {a.filename} <span className="sb-attachment-size">({formatSize(a.size)})</span>
            </a>
          </li>
        ),
      )}
    </ul>
  );
}

export interface DraftAttachment {
  key: string;
  filename: string;
  status: 'uploading' | 'ready' | 'failed';
  attachment?: UploadedAttachment;
  error?: string;
}

/** The files of the message being written: uploaded as soon as they are picked. */
export function useDraftAttachments(api: Api | null | undefined, conversationId: string) {
  const [items, setItems] = useState<DraftAttachment[]>([]);
  const counter = useRef(0);
  const add = useCallback(
    (files: Iterable<File>) => {
      if (!api) return;
      for (const file of files) {
        const key = `f${++counter.current}`;
        setItems((list) => [...list, { key, filename: file.name, status: 'uploading' }]);
        api.upload(conversationId, file).then(
          (attachment) => setItems((list) => list.map((i) => (i.key === key ? { ...i, status: 'ready', attachment } : i))),
          (error: unknown) => setItems((list) => list.map((i) => (i.key === key ? { ...i, status: 'failed', error: describeError(error).message } : i))),
        );
      }
    },
    [api, conversationId],
  );
  const remove = useCallback((key: string) => setItems((list) => list.filter((i) => i.key !== key)), []);
  const clear = useCallback(() => setItems([]), []);
  const ready: OutgoingAttachment[] = items.filter((i) => i.status === 'ready').map((i) => ({ id: i.attachment!.id, filename: i.filename }));
  return { items, add, remove, clear, ready, uploading: items.some((i) => i.status === 'uploading') };
}

export function AttachButton({ onFiles, disabled, className }: { onFiles(files: File[]): void; disabled?: boolean; className?: string }) {
  const input = useRef<HTMLInputElement>(null);
  return (
    <>
      <input
        ref={input}
        type="file"
        multiple
        accept={ACCEPTED_TYPES}
        className="sb-visually-hidden"
        tabIndex={-1}
        aria-hidden="true"
        data-testid="attach-input"
        onChange={(e) => {
          const files = [...(e.currentTarget.files ?? [])];
          e.currentTarget.value = '';
          if (files.length) onFiles(files);
        }}
      />
      <button
        type="button"
        className={className ?? 'sb-attach-button'}
        aria-label="Attach a file (image or PDF)"
        title="Attach a file (image or PDF)"
        disabled={disabled}
        onClick={() => input.current?.click()}
      >
        <PaperclipIcon />
      </button>
    </>
  );
}

/** Drawn, not an emoji: not every system (or headless browser) has an emoji font. */
export function PaperclipIcon({ size = 20 }: { size?: number }) {
  return (
    <svg
      width={size}
      height={size}
      viewBox="0 0 24 24"
      fill="none"
      stroke="currentColor"
      strokeWidth="2"
      strokeLinecap="round"
      strokeLinejoin="round"
      aria-hidden="true"
      focusable="false"
    >
      <path d="M21.44 11.05l-9.19 9.19a6 6 0 0 1-8.49-8.49l9.19-9.19a4 4 0 0 1 5.66 5.66l-9.2 9.19a2 2 0 0 1-2.83-2.83l8.49-8.48" />
    </svg>
  );
}

export function DraftAttachmentList({ items, onRemove }: { items: DraftAttachment[]; onRemove(key: string): void }) {
  if (!items.length) return null;
  return (
    <ul className="sb-draft-attachments" aria-label="Files to send" data-testid="draft-attachments">
      {items.map((i) => (
        <li key={i.key} data-status={i.status}>
          <span>{i.filename}</span>
          <span className="sb-attachment-size">{i.status === 'uploading' ? ' uploading…' : i.status === 'failed' ? ` not uploaded: ${i.error}` : ''}</span>
          <button type="button" onClick={() => onRemove(i.key)} aria-label={`Remove ${i.filename}`}>
            ×
          </button>
        </li>
      ))}
    </ul>
  );
}
