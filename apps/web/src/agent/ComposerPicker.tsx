// A list that pops up over the composer while the draft asks for it (`/` for
// saved replies, `@` for colleagues): ↑/↓ choose, Enter or Tab picks, Escape
// closes it and keeps what was typed (until the draft changes). The text box
// stays focused; the list is an ARIA listbox it controls.
import { useEffect, useId, useState, type KeyboardEvent, type ReactNode } from 'react';
import { Paper } from '@mantine/core';

export function useComposerPicker<T>({
  draft,
  wanted,
  query,
  items,
  onChoose,
  swallowEnterWhenEmpty = false,
}: {
  draft: string;
  /** The draft asks for the list (it ends in `/…` or `@…`). */
  wanted: boolean;
  /** What is typed after the trigger: the choice goes back to the first item when it changes. */
  query: string;
  items: T[];
  onChoose(item: T): void;
  /** Enter does nothing while the list is open and empty (instead of sending the draft). */
  swallowEnterWhenEmpty?: boolean;
}) {
  const listId = useId();
  const [dismissed, setDismissed] = useState<string | null>(null);
  const [active, setActive] = useState(0);
  const open = wanted && dismissed !== draft;
  useEffect(() => setActive(0), [query]);

  /** Handles the key when the list is open; returns true when it did. */
  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>): boolean => {
    if (!open || (!items.length && !swallowEnterWhenEmpty)) return false;
    if (e.key === 'Escape') {
      e.preventDefault();
      setDismissed(draft);
      return true;
    }
    if (!items.length) return e.key === 'Enter' && (e.preventDefault(), true);
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      setActive((a) => (a + (e.key === 'ArrowDown' ? 1 : items.length - 1)) % items.length);
      return true;
    }
    if ((e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) || e.key === 'Tab') {
      e.preventDefault();
      onChoose(items[Math.min(active, items.length - 1)]!);
      return true;
    }
    return false;
  };

  const optionId = (i: number) => `${listId}-${i}`;
  const inputProps = open
    ? { 'aria-controls': listId, 'aria-autocomplete': 'list' as const, 'aria-activedescendant': items.length ? optionId(active) : undefined }
    : {};

  /** The list (null while closed): each item rendered by `render`, then `footer` (empty states, errors). */
  const list = (label: string, render: (item: T) => ReactNode, key: (item: T) => string, footer?: ReactNode) =>
    open ? (
      <Paper withBorder shadow="sm" p={4} mb={4} className="sb-canned">
        <div role="listbox" id={listId} aria-label={label}>
          {items.map((item, i) => (
            <div
              key={key(item)}
              id={optionId(i)}
              role="option"
              aria-selected={i === active}
              className="sb-canned-option"
              data-active={i === active ? 'true' : undefined}
              onMouseDown={(e) => e.preventDefault()}
              onMouseEnter={() => setActive(i)}
              onClick={() => onChoose(item)}
            >
              {render(item)}
            </div>
          ))}
        </div>
        {footer}
      </Paper>
    ) : null;

  return { open, onKeyDown, inputProps, list };
}
