/**
 * Whether the queue page's "Published …" notice still holds. It names the test message and says it
 * went to the queue; a purge deletes every entry of the queue (ready, delayed and in flight alike),
 * so after one the notice would point at a message the queue no longer has. The page counts its
 * successful purges: `purgesAtSend` is that count when the publish was sent, `purges` the count now.
 * A publish still in flight while a purge ran may have landed before it or after: the notice goes
 * then too, rather than claim a message that may be gone.
 */
export function publishNoticeHolds(purgesAtSend: number, purges: number): boolean {
  return purges === purgesAtSend;
}
