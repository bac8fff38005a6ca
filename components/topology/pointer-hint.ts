import { useSyncExternalStore } from 'react';

/**
 * The topology's zoom hint, for the pointer the visitor has. "Scroll to zoom" means nothing on a
 * phone or tablet, which has no wheel: there the graph zooms with a pinch. The primary pointer
 * decides (a laptop with a touch screen still has its trackpad first).
 */
export function zoomHint(coarse: boolean): string {
  return coarse ? 'Pinch to zoom, drag to pan' : 'Scroll to zoom, drag to pan';
}

const COARSE = '(pointer: coarse)';

type MediaQuery = { matches: boolean; addEventListener: (type: 'change', listener: () => void) => void; removeEventListener: (type: 'change', listener: () => void) => void };
/** The part of `window` read here: there is none on the server, and jsdom has no matchMedia. */
type MediaWindow = { matchMedia?: (query: string) => MediaQuery };

/** Whether the primary pointer is coarse (a finger). False without a window: the server renders the wheel hint. */
export function coarsePointer(win: MediaWindow | undefined): boolean {
  return typeof win?.matchMedia === 'function' && win.matchMedia(COARSE).matches;
}

/** Calls `onChange` when the primary pointer changes (a tablet docked to a keyboard); returns the unsubscribe. */
export function subscribeCoarsePointer(win: MediaWindow | undefined, onChange: () => void): () => void {
  if (typeof win?.matchMedia !== 'function') return () => {};
  const query = win.matchMedia(COARSE);
  query.addEventListener('change', onChange);
  return () => query.removeEventListener('change', onChange);
}

const browserWindow = () => (typeof window === 'undefined' ? undefined : window);
const subscribe = (onChange: () => void) => subscribeCoarsePointer(browserWindow(), onChange);
const snapshot = () => coarsePointer(browserWindow());
const serverSnapshot = () => false;

/**
 * Whether the primary pointer is coarse, read after mount: the server and the hydrating render
 * both take the server snapshot (false, the wheel hint), so the markup matches, and React
 * re-renders with the real answer straight after hydration.
 */
export function useCoarsePointer(): boolean {
  return useSyncExternalStore(subscribe, snapshot, serverSnapshot);
}
