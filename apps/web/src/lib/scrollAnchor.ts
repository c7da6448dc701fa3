// Keeps what the reader is looking at in place when content goes in above it
// (earlier history put in front of a chat log). It notes where an element sits
// in the scrolled content and, after the change, scrolls by however far the
// element moved. Unlike restoring from scrollHeight, messages arriving at the
// bottom, or the reader scrolling while the page loads, do not throw it off.

export interface ScrollAnchor {
  /** The element it keeps in place. */
  readonly item: Element;
  /** Scrolls by however far the element moved since the anchor was made (or last restored); returns that distance. */
  restore(): number;
}

/** Where `item` is in `container`'s scrolled content (the same wherever it is scrolled to). */
function offsetIn(container: Element, item: Element): number {
  return item.getBoundingClientRect().top - container.getBoundingClientRect().top + container.scrollTop;
}

export function anchorScroll(container: Element, item: Element): ScrollAnchor {
  let offset = offsetIn(container, item);
  return {
    item,
    restore() {
      if (!item.isConnected) return 0;
      const now = offsetIn(container, item);
      const moved = now - offset;
      if (moved !== 0) container.scrollTop += moved;
      offset = now;
      return moved;
    },
  };
}
