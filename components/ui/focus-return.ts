/**
 * Focus back to where it was when a dialog opened. A native <dialog> closed with close() does
 * this itself, but one that is unmounted instead (the edit-and-replay dialog is rendered only
 * while editing) leaves focus on <body>, and a keyboard user starts again from the top of the
 * page. Call when the dialog opens; call what it returns when it goes. Nothing happens when the
 * opener has left the page meanwhile (its row was replayed) or is the body.
 */
type Focusable = { isConnected: boolean; focus?: () => void };

export function rememberFocus(doc: { activeElement: Focusable | null; body: unknown }): () => void {
  const opener = doc.activeElement;
  return () => {
    if (!opener || opener === doc.body || !opener.isConnected || typeof opener.focus !== 'function') return;
    opener.focus();
  };
}
