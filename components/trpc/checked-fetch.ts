/**
 * What answered /trpc when it was not the Hatoba server: a body that is not tRPC's JSON (a proxy's
 * "502 Bad Gateway" page, a load balancer's "down"). Kept with its HTTP status so the page can say
 * which (errorMessage); the tRPC client alone would only keep the JSON parser's complaint.
 */
export class NotTheServer extends Error {
  override readonly name = 'NotTheServer';
  constructor(
    readonly status: number,
    readonly statusText: string,
  ) {
    super(`HTTP ${status}${statusText ? ` ${statusText}` : ''}`);
  }
}

/** fetch for the tRPC link: every answer of the server is JSON, so one that is not comes from something in between. */
export function checkedFetch(fetchImpl: typeof fetch = (...args) => fetch(...args)): typeof fetch {
  return async (input, init) => {
    const res = await fetchImpl(input, init);
    if (!/json/i.test(res.headers.get('content-type') ?? '')) {
      void res.body?.cancel().catch(() => {});
      throw new NotTheServer(res.status, res.statusText);
    }
    return res;
  };
}
