import type { IncomingMessage } from 'node:http';
import { GatewayError } from '../gateway/errors';
import { isCrossSite, isLoopbackHost } from './sessions';

/**
 * With auth off (loopback, no admin token or password), the guards that keep a web page the
 * developer visits from driving the broker through their browser: CSRF and DNS rebinding.
 */

const localOnly = (what: string) =>
  `This server runs without auth (it listens on loopback and neither HATOBA_ADMIN_TOKEN nor HATOBA_ADMIN_PASSWORD is set), ` +
  `so it answers ${what}`;

/**
 * With auth off, a DNS-rebound name (evil.example → 127.0.0.1) makes a page on that name
 * same-origin with this server, free to read its answers: refuses (403 `forbidden`,
 * `details.reason: 'host_not_loopback'`) a Host that is not a loopback name or address.
 * Clients on this machine address it as localhost, 127.0.0.1 or [::1] and pass.
 */
export function refuseRebindingHost(req: Pick<IncomingMessage, 'headers'>): void {
  const host = req.headers.host;
  if (isLoopbackHost(host)) return;
  throw new GatewayError(
    'forbidden',
    `${localOnly('requests addressed to this machine only')}; the Host header '${host}' is not localhost, 127.0.0.1 or [::1] ` +
      `(a guard against DNS rebinding). Use http://127.0.0.1:<port>/, or set HATOBA_ADMIN_TOKEN to turn auth on and use API keys.`,
    { reason: 'host_not_loopback', host },
  );
}

/**
 * With auth off, any page a developer visits could otherwise drive the broker through their
 * browser. Refuses (403 `forbidden`) a Host that is not loopback (`refuseRebindingHost`), and
 * what a browser marks as coming from another site (`Sec-Fetch-Site: cross-site|same-site`, else
 * an Origin other than the Host: CSRF; `details.reason: 'cross_site'`). Scripts and services
 * (curl, SDKs) send neither header and a loopback Host, so they pass, as do the dashboard's own
 * same-origin requests.
 */
export function refuseForeignBrowserRequest(req: Pick<IncomingMessage, 'headers'>): void {
  refuseRebindingHost(req);
  if (isCrossSite(req)) {
    throw new GatewayError(
      'forbidden',
      `${localOnly('no requests that a browser sends from another site')} (Sec-Fetch-Site: cross-site, or an Origin other than ` +
        `the Host): another web page must not change or read the broker. Call the API from a script or a service (they send ` +
        `neither header), use the dashboard on this server's own address, or set HATOBA_ADMIN_TOKEN to turn auth on and use API keys.`,
      { reason: 'cross_site', origin: req.headers.origin ?? null, secFetchSite: req.headers['sec-fetch-site'] ?? null },
    );
  }
}

