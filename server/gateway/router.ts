import type { IncomingMessage, ServerResponse } from 'node:http';
import type { z } from 'zod';
import type { Principal, Security } from '../auth';
import type { AuditInput } from '../auth/audit';
import type { Need } from '../auth/scopes';
import type { Broker } from '../broker/api';
import type { ClusterView } from '../cluster/types';
import type { Webhooks } from '../webhooks';
import { GatewayError } from './errors';
import { parseJson, readBody } from './http';

export interface GatewayContext {
  broker: Broker;
  maxBodyBytes: number;
  security: Security;
  webhooks: Webhooks;
  /** Membership and quorum (server/cluster); absent when the gateway runs without one. */
  cluster?: ClusterView;
}

export interface Request<P extends string = string> {
  req: IncomingMessage;
  params: Record<P, string>;
  query: URLSearchParams;
  /** The raw body (limited to maxBodyBytes). */
  body(): Promise<Buffer>;
  /** The body parsed as JSON and validated by the route's request schema. */
  json<S extends z.ZodType>(schema: S): Promise<z.infer<S>>;
  ctx: GatewayContext;
  /** Aborted when the client goes away before its answer is sent. */
  gone: AbortSignal;
  /** Who is asking; set by the gateway once the route's access is checked. */
  principal: Principal;
}

export type AuditAction = Omit<AuditInput, 'actor' | 'ip'>;

export interface Reply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
  /** The body is bytes to send as they are (with the headers' content type), not JSON. */
  raw?: boolean;
}

export interface Route {
  method: 'GET' | 'PUT' | 'POST' | 'DELETE';
  /** With `{param}` segments, e.g. /v1/queues/{name}/receive */
  path: string;
  summary: string;
  tag: string;
  request?: z.ZodType;
  /** Raw (non-JSON) request body, documented as bytes. */
  rawBody?: boolean;
  responses: Record<number, z.ZodType | null>;
  /**
   * What the caller's key must cover (server/auth/scopes.ts). Checked in one place, the
   * gateway (index.ts), before `handle`; a route without it needs `admin`.
   */
  access: (r: Request) => Need | Promise<Need>;
  /**
   * For the OpenAPI document, only when `access` depends on stored state (it reads `r.ctx`):
   * what it needs, in words. Otherwise the document states the scope `access` returns.
   */
  accessVaries?: string;
  /** An operator action to record in the audit log once the route has succeeded. */
  audit?: (r: Request, reply: Reply) => AuditAction | null | Promise<AuditAction | null>;
  handle(r: Request): Promise<Reply>;
}

interface Compiled {
  route: Route;
  segments: string[];
}

export interface Match {
  route: Route;
  params: Record<string, string>;
}

/** A small exact-segment router: literal segments win over parameters; 405 when only the method differs. */
export function createRouter(routes: Route[]) {
  const compiled: Compiled[] = routes
    .map((route) => ({ route, segments: route.path.split('/').slice(1) }))
    // literal-first: a route with fewer parameters is tried first
    .sort((a, b) => a.segments.filter((s) => s.startsWith('{')).length - b.segments.filter((s) => s.startsWith('{')).length);

  return function match(method: string, pathname: string): Match {
    const parts = pathname.split('/').slice(1);
    let allowed: string[] = [];
    for (const { route, segments } of compiled) {
      if (segments.length !== parts.length) continue;
      const params: Record<string, string> = {};
      let ok = true;
      for (let i = 0; i < segments.length && ok; i++) {
        const s = segments[i]!;
        if (s.startsWith('{')) {
          try {
            params[s.slice(1, -1)] = decodeURIComponent(parts[i]!);
          } catch {
            ok = false;
          }
          ok &&= parts[i]!.length > 0;
        } else ok = s === parts[i];
      }
      if (!ok) continue;
      if (route.method === method) return { route, params };
      allowed.push(route.method);
    }
    if (allowed.length > 0) {
      allowed = [...new Set(allowed)];
      throw new GatewayError('method_not_allowed', `${method} is not allowed on ${pathname}; use ${allowed.join(', ')}`, { allowed });
    }
    throw new GatewayError('route_not_found', `No route ${method} ${pathname}; see /v1/openapi.json`, { method, path: pathname });
  };
}

export function makeRequest(
  req: IncomingMessage,
  res: ServerResponse,
  params: Record<string, string>,
  query: URLSearchParams,
  ctx: GatewayContext,
  principal: Principal,
): Request {
  let body: Promise<Buffer> | undefined;
  const gone = new AbortController();
  res.once('close', () => {
    if (!res.writableEnded) gone.abort();
  });
  const read = () => (body ??= readBody(req, ctx.maxBodyBytes));
  return {
    req,
    params,
    query,
    ctx,
    gone: gone.signal,
    principal,
    body: read,
    json: async (schema) => parseJson(await read(), schema),
  };
}

export type { ServerResponse };
