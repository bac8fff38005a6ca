import { describe, expect, it, vi } from 'vitest';
import { coarsePointer, subscribeCoarsePointer, zoomHint } from './pointer-hint';

/** A window whose matchMedia answers `matches` for '(pointer: coarse)' and keeps its change listeners. */
function fakeWindow(matches: boolean) {
  const listeners = new Set<() => void>();
  const query = {
    get matches() {
      return matches;
    },
    addEventListener: (_: 'change', l: () => void) => listeners.add(l),
    removeEventListener: (_: 'change', l: () => void) => listeners.delete(l),
  };
  const matchMedia = vi.fn((q: string) => {
    if (q !== '(pointer: coarse)') throw new Error(`unexpected query ${q}`);
    return query;
  });
  return {
    win: { matchMedia },
    listeners,
    set: (next: boolean) => {
      matches = next;
      listeners.forEach((l) => l());
    },
  };
}

describe('zoomHint', () => {
  it('says pinch on a touch screen, scroll where there is a mouse or trackpad', () => {
    expect(zoomHint(true)).toBe('Pinch to zoom, drag to pan');
    expect(zoomHint(false)).toBe('Scroll to zoom, drag to pan');
  });
});

describe('coarsePointer', () => {
  it('reads the primary pointer from matchMedia', () => {
    expect(coarsePointer(fakeWindow(true).win)).toBe(true);
    expect(coarsePointer(fakeWindow(false).win)).toBe(false);
  });

  it('is false where there is no window (the server render) or no matchMedia', () => {
    expect(coarsePointer(undefined)).toBe(false);
    expect(coarsePointer({})).toBe(false);
  });
});

describe('subscribeCoarsePointer', () => {
  it('calls back when the primary pointer changes (a tablet docked to a keyboard), until unsubscribed', () => {
    const w = fakeWindow(false);
    const changed = vi.fn();
    const unsubscribe = subscribeCoarsePointer(w.win, changed);
    w.set(true);
    expect(changed).toHaveBeenCalledOnce();
    expect(coarsePointer(w.win)).toBe(true);
    unsubscribe();
    expect(w.listeners.size).toBe(0);
  });

  it('does nothing where there is no window or no matchMedia', () => {
    expect(() => subscribeCoarsePointer(undefined, () => {})()).not.toThrow();
    expect(() => subscribeCoarsePointer({}, () => {})()).not.toThrow();
  });
});
