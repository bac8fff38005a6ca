import { formatCount } from '../ui/format';

const messages = (n: number) => `${formatCount(n)} ${n === 1 ? 'message' : 'messages'}`;

/**
 * The `to` a confirmed range replay sends: the form's `to`, but no later than `readAt`, the
 * server time the confirmation's count was read at. The form's default `to` lies in the next
 * minute, so without this bound anything published between the count and the confirm would be
 * replayed too ("Replay 127?" then "Replayed 149"). Both are ISO 8601 instants; an unreadable
 * `readAt` leaves `to` as it is (the count itself then said nothing of when it was read).
 */
export function boundedReplayTo(to: string, readAt: string | undefined): string {
  const end = Date.parse(to);
  const read = readAt === undefined ? Number.NaN : Date.parse(readAt);
  if (Number.isNaN(read) || Number.isNaN(end)) return to;
  return read < end ? new Date(read).toISOString() : to;
}

/**
 * The sentence shown after a range replay: how many were re-published into which queue and, when
 * the operator confirmed a count, whether the replay moved more (a message committed late, with a
 * publish time before the count was read) or fewer (dropped by retention meanwhile, or published
 * in the counted minute after the count's read time) than that.
 */
export function rangeReplayOutcome(replayed: number, queue: string, confirmed?: number): string {
  const parts = [`Replayed ${messages(replayed)} into ${queue}.`];
  if (confirmed !== undefined && replayed > confirmed) {
    const extra = replayed - confirmed;
    parts.push(
      `That is ${formatCount(extra)} more than the ${formatCount(confirmed)} you confirmed: ${extra === 1 ? 'it was' : 'they were'} committed after the count was read, with a publish time before it.`,
    );
  } else if (confirmed !== undefined && replayed < confirmed) {
    const fewer = confirmed - replayed;
    parts.push(
      `That is ${formatCount(fewer)} fewer than the ${formatCount(confirmed)} you confirmed: retention dropped ${fewer === 1 ? 'it' : 'them'} meanwhile, or ${fewer === 1 ? 'it was' : 'they were'} published in the last counted minute after the count was read.`,
    );
  }
  return parts.join(' ');
}
