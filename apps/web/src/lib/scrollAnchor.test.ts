import { afterEach, describe, expect, it } from 'vitest';
import { anchorScroll } from './scrollAnchor';

/**
 * jsdom has no layout: a log of fixed-height rows whose boxes follow the
 * log's scrollTop as a browser's would.
 */
function log(rows: number, rowHeight = 40) {
  const container = document.createElement('div');
  document.body.append(container);
  const top = 100;
  container.getBoundingClientRect = () => ({ top }) as DOMRect;
  const add = (where: 'start' | 'end') => {
    const row = document.createElement('p');
    row.getBoundingClientRect = () => ({ top: top + [...container.children].indexOf(row) * rowHeight - container.scrollTop }) as DOMRect;
    if (where === 'start') container.prepend(row);
    else container.append(row);
    return row;
  };
  for (let i = 0; i < rows; i++) add('end');
  return { container, add };
}

afterEach(() => document.body.replaceChildren());

describe('anchorScroll', () => {
  it('keeps the first row in view where it was when rows go in above it', () => {
    const { container, add } = log(10);
    container.scrollTop = 0;
    const first = container.firstElementChild!;
    const anchor = anchorScroll(container, first);
    for (let i = 0; i < 5; i++) add('start');
    expect(anchor.restore()).toBe(200);
    expect(container.scrollTop).toBe(200);
    expect(first.getBoundingClientRect().top).toBe(100);
  });

  it('is not thrown off by rows added below or by the reader scrolling meanwhile', () => {
    const { container, add } = log(10);
    container.scrollTop = 0;
    const anchor = anchorScroll(container, container.firstElementChild!);
    add('end');
    container.scrollTop = 30;
    add('start');
    add('start');
    expect(anchor.restore()).toBe(80);
    expect(container.scrollTop).toBe(110);
  });

  it('moves nothing more when restored again without a change, and nothing for a row that left', () => {
    const { container, add } = log(3);
    const first = container.firstElementChild!;
    const anchor = anchorScroll(container, first);
    add('start');
    expect(anchor.restore()).toBe(40);
    expect(anchor.restore()).toBe(0);
    expect(container.scrollTop).toBe(40);
    first.remove();
    add('start');
    expect(anchor.restore()).toBe(0);
    expect(container.scrollTop).toBe(40);
  });
});
