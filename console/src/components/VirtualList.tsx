import type { ComponentChildren } from 'preact';
import { useLayoutEffect, useRef, useState } from 'preact/hooks';

/** What a row gets to place itself: its absolute position and its place in the whole list. */
export interface RowPlacement {
  style: { top: string; height: string };
  index: number;
  setSize: number;
}

/**
 * A windowed list: only the rows in (and near) the viewport are in the DOM, so 10,000 flags scroll
 * as smoothly as 20. Rows have one fixed height (`rowHeight`, CSS pixels, margin included) and are
 * placed absolutely in a list as tall as all of them; the page itself scrolls (no inner scroll
 * box, so the keyboard, find-in-page of visible rows and the phone's scrolling behave as usual).
 * Each row carries aria-setsize/aria-posinset, so assistive technology hears "row 5 of 10,000".
 */
export function VirtualList<T>(props: {
  items: readonly T[];
  rowHeight: number;
  label: string;
  class?: string;
  /** Rows rendered beyond each edge of the viewport (keyboard focus moves into them smoothly). */
  overscan?: number;
  renderRow: (item: T, placement: RowPlacement) => ComponentChildren;
}) {
  const { items, rowHeight } = props;
  const overscan = props.overscan ?? 10;
  const ref = useRef<HTMLUListElement>(null);
  const [range, setRange] = useState({ start: 0, end: Math.min(items.length, 40) });

  useLayoutEffect(() => {
    let frame = 0;
    const update = () => {
      frame = 0;
      const list = ref.current;
      if (!list) return;
      const top = list.getBoundingClientRect().top;
      const start = Math.max(0, Math.floor(-top / rowHeight) - overscan);
      const end = Math.min(items.length, Math.ceil((window.innerHeight - top) / rowHeight) + overscan);
      setRange((now) => (now.start === start && now.end === end ? now : { start, end: Math.max(start, end) }));
    };
    const schedule = () => {
      if (!frame) frame = requestAnimationFrame(update);
    };
    update();
    addEventListener('scroll', schedule, { passive: true });
    addEventListener('resize', schedule);
    return () => {
      removeEventListener('scroll', schedule);
      removeEventListener('resize', schedule);
      if (frame) cancelAnimationFrame(frame);
    };
  }, [items, rowHeight, overscan]);

  const start = Math.min(range.start, items.length);
  const end = Math.min(range.end, items.length);
  return (
    <ul
      ref={ref}
      class={`virtual-list ${props.class ?? ''}`}
      aria-label={props.label}
      style={{ height: `${items.length * rowHeight}px` }}
    >
      {items.slice(start, end).map((item, offset) =>
        props.renderRow(item, {
          style: { top: `${(start + offset) * rowHeight}px`, height: `${rowHeight - 8}px` },
          index: start + offset,
          setSize: items.length,
        }),
      )}
    </ul>
  );
}
