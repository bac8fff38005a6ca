/** Live views poll this often (ms): the console promises figures no older than 2 s. */
export const LIVE_MS = 2000;

const codeOf = (error: unknown) => (error as { data?: { code?: string } } | null | undefined)?.data?.code;

/**
 * refetchInterval for a live view of one thing (a queue, a message): every LIVE_MS, until the server
 * says the thing does not exist. A NOT_FOUND does not get better by asking again every 2 s; the page
 * shows "not found" and stops polling (a reload or coming back asks again).
 */
export function liveUntilNotFound(query: { state: { error: unknown } }): number | false {
  return codeOf(query.state.error) === 'NOT_FOUND' ? false : LIVE_MS;
}
