/**
 * Focus back to where it was when a dialog opened. A native <dialog> closed with close() does
 * this itself, but one that is unmounted instead (the edit-and-replay dialog is rendered only
 * while editing) leaves focus on <body>, and a keyboard user starts again from the top of the
 * page. Call when the dialog opens; call what it returns when it goes. Nothing happens when the
 * opener has left the page meanwhile (its row was replayed) or is the body.
 */
export type Focusable = { isConnected: boolean; focus?: () => void };

export function rememberFocus(doc: { activeElement: Focusable | null; body: unknown }): () => void {
  const opener = doc.activeElement;
  return () => {
    if (!opener || opener === doc.body || !opener.isConnected || typeof opener.focus !== 'function') return;
    opener.focus();
  };
}

/**
 * Focus to the first of `targets` still on the page; returns it, or null when there is none. For
 * when what had focus goes for good and rememberFocus has nowhere to return: after an edited dead
 * letter is replayed, its dialog is unmounted and its row (the opener, disabled meanwhile) leaves
 * with the next refresh, so focus would end on <body>. The notice announcing the replay takes it
 * instead, and a keyboard user carries on from there (its Dismiss button is next). A target that
 * is not a control needs tabIndex={-1}.
 */
export function focusFirst(...targets: (Focusable | null | undefined)[]): Focusable | null {
  const target = targets.find((t) => t?.isConnected && typeof t.focus === 'function');
  if (!target) return null;
  target.focus!();
  return target;
}
