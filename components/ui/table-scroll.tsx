'use client';

import { useEffect, useRef, useState, type CSSProperties, type MouseEventHandler, type ReactNode } from 'react';
import { scrollHint, type ScrollPosition } from './table-scroll-hint';
import './table-scroll.css';

/**
 * The wrapper of a table that may be wider than the screen (a phone): it scrolls sideways inside
 * itself, and says so. Without a cue, columns cut at the edge (the dead letters' Reason, Replay
 * and Edit at 390 px) looked like all there was. The hint above the table shows only while the
 * table is wider than its box; edge shadows (.edge-shadows, globals.css) mark the side with more to see.
 * Focusable, so keyboard users can scroll it too.
 */
export function TableScroll({
  label,
  children,
  style,
  onClickCapture,
}: {
  /** The region's accessible name ("Dead letters"). */
  label: string;
  children: ReactNode;
  style?: CSSProperties;
  onClickCapture?: MouseEventHandler<HTMLDivElement>;
}) {
  const ref = useRef<HTMLDivElement>(null);
  const [position, setPosition] = useState<ScrollPosition | null>(null);

  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const measure = () => setPosition({ scrollLeft: el.scrollLeft, clientWidth: el.clientWidth, scrollWidth: el.scrollWidth });
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(el);
    if (el.firstElementChild) observer.observe(el.firstElementChild);
    el.addEventListener('scroll', measure, { passive: true });
    return () => {
      observer.disconnect();
      el.removeEventListener('scroll', measure);
    };
  }, []);

  const hint = position ? scrollHint(position) : null;
  return (
    <div className="table-scroll" style={style}>
      {hint && (
        // Said to sighted readers only: a screen reader reads every column in order anyway.
        <p className="table-scroll__hint" aria-hidden="true" data-testid="scroll-hint">
          {hint}
        </p>
      )}
      <div ref={ref} className="table-wrap edge-shadows" tabIndex={0} role="region" aria-label={label} onClickCapture={onClickCapture}>
        {children}
      </div>
    </div>
  );
}
