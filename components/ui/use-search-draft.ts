'use client';

import { useCallback, useEffect, useRef, useState } from 'react';

/** Typed text reaches the URL once typing pauses. */
export const SEARCH_SETTLE_MS = 250;

/**
 * A search box over a URL parameter (the topology page's and the queue list's `?q=`): the box
 * keeps its own text while the user types and commits it once typing pauses. A URL change it did
 * not make itself (a link to the page, Back) replaces the text. `flush` commits pending text at
 * once: a link clicked right after typing must write the search into this page's URL before its
 * navigation starts, since a URL update made while that navigation is under way would cancel it.
 */
export function useSearchDraft(value: string, commit: (value: string) => void): [string, (value: string) => void, () => void] {
  const [draft, setDraft] = useState(value);
  const [seen, setSeen] = useState(value);
  const [sent, setSent] = useState(value);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  if (value !== seen) {
    setSeen(value);
    if (value !== sent) setDraft(value);
  }
  const send = useCallback(
    (text: string) => {
      clearTimeout(timer.current);
      timer.current = undefined;
      if (text === value) return;
      setSent(text);
      commit(text);
    },
    [value, commit],
  );
  useEffect(() => {
    if (draft.trim() === value) return;
    timer.current = setTimeout(() => send(draft.trim()), SEARCH_SETTLE_MS);
    return () => clearTimeout(timer.current);
  }, [draft, value, send]);
  return [draft, setDraft, () => send(draft.trim())];
}
