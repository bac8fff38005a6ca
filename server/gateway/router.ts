import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import type { Principal, Security } from '../auth';
import type { AuditInput } from '../auth/audit';
import type { Need } from '../auth/scopes';
import type { Broker } from '../broker/api';
import type { ClusterView } from '../cluster/types';
import type { Webhooks } from '../webhooks';
import { GatewayError } from './errors';
import { parseJson, queryObject, readBody, validate } from './http';

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
  /** The raw body (limited to maxBodyBytes, or the route's own `limitBytes`). */
  body(limitBytes?: number): Promise<Buffer>;
  /** The body parsed as JSON and validated by the route's request schema. */
  json<S extends z.ZodType>(schema: S, limitBytes?: number): Promise<z.infer<S>>;
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
   * The query parameters the route reads (a zod object's keys, or names): any other is 400
   * validation_failed, so a misspelt `?routingkey=` is not silently ignored. `'any'` where the
   * sender may add its own (inbound webhooks). A route without it takes none.
   *
   * A zod object is also the one validation of the values: the gateway parses the query with it
   * (parseQuery) and hands the result to `handle`. Declare such a route with `route()`, which
   * types `handle`'s second argument as the schema's output.
   */
  query?: z.ZodObject | readonly string[] | 'any';
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
  /** `query` is the query parsed by the route's zod `query` object (parseQuery); undefined for any other route. */
  handle(r: Request, query: unknown): Promise<Reply>;
}

/** A route whose `query` is a zod object: `handle` gets the parsed query, typed. */
export interface QueryRoute<Q extends z.ZodObject> extends Omit<Route, 'query' | 'handle'> {
  query: Q;
  handle(r: Request, query: z.output<Q>): Promise<Reply>;
}

/**
 * Declares a route with a query schema, named once: `route({ query: schema, handle(r, q) {...} })`.
 * Sound because the only caller of `handle` (index.ts) passes parseQuery(route, …), the query
 * parsed by this very `query` schema.
 */
export function route<Q extends z.ZodObject>(definition: QueryRoute<Q>): Route {
  return definition;
}

interface Compiled {
  route: Route;
  /** Literal segments by position; null where the route has a parameter. */
  literals: (string | null)[];
  /** Parameter names by position (only where `literals` is null). */
  names: (string | null)[];
}

export interface Match {
  route: Route;
  params: Record<string, string>;
}

const isParam = (s: string) => s.startsWith('{');

/**
 * A small exact-segment router: literal segments win over parameters; 405 when only the method
 * differs. Routes are grouped by segment count; parameters are decoded only once a route matches.
 */
export function createRouter(routes: Route[]) {
  const bySize = new Map<number, Compiled[]>();
  const compiled = routes
    .map((route): Compiled => {
      const segments = route.path.split('/').slice(1);
      return { route, literals: segments.map((s) => (isParam(s) ? null : s)), names: segments.map((s) => (isParam(s) ? s.slice(1, -1) : null)) };
    })
    // literal-first: a route with fewer parameters is tried first
    .sort((a, b) => a.literals.filter((l) => l === null).length - b.literals.filter((l) => l === null).length);
  for (const c of compiled) {
    const list = bySize.get(c.literals.length) ?? bySize.set(c.literals.length, []).get(c.literals.length)!;
    list.push(c);
  }

  return function match(method: string, pathname: string): Match {
    const parts = pathname.split('/').slice(1);
    // HEAD is GET without the body (Node leaves the body out of a HEAD response).
    const wanted = method === 'HEAD' ? 'GET' : method;
    let allowed: string[] = [];
    for (const c of bySize.get(parts.length) ?? []) {
      if (!fits(c, parts)) continue;
      if (c.route.method !== wanted) {
        allowed.push(c.route.method);
        continue;
      }
      const params = decodeParams(c, parts);
      if (params) return { route: c.route, params };
      throw new GatewayError('validation_failed', `${pathname} is not valid percent-encoding: each % must be followed by two hex digits, and the bytes must be UTF-8 (é is %C3%A9, not %E9)`, { path: pathname });
    }
    if (allowed.length > 0) {
      allowed = [...new Set(allowed)];
      throw new GatewayError('method_not_allowed', `${method} is not allowed on ${pathname}; use ${allowed.join(', ')}`, { allowed });
    }
    throw new GatewayError('route_not_found', `No route ${method} ${pathname}; see /v1/openapi.json`, { method, path: pathname });
  };
}

/** Every literal segment equal, every parameter segment non-empty. */
function fits(c: Compiled, parts: string[]): boolean {
  for (let i = 0; i < parts.length; i++) {
    const literal = c.literals[i];
    if (literal === null ? parts[i]!.length === 0 : literal !== parts[i]) return false;
  }
  return true;
}

/** The parameters, percent-decoded; null when one is not valid percent-encoding. */
function decodeParams(c: Compiled, parts: string[]): Record<string, string> | null {
  const params: Record<string, string> = {};
  for (let i = 0; i < parts.length; i++) {
    const name = c.names[i];
    if (name === null || name === undefined) continue;
    const raw = parts[i]!;
    if (!raw.includes('%')) {
      params[name] = raw;
      continue;
    }
    try {
      params[name] = decodeURIComponent(raw);
    } catch {
      return null;
    }
  }
  return params;
}

/**
 * One API request as routes see it. A class, not an object of closures: it is made for every
 * request, and the `gone` signal (an AbortController, costly to make) only when a route asks.
 */
class GatewayRequest implements Request {
  private bodyRead: Promise<Buffer> | undefined;
  private goneController: AbortController | undefined;

  constructor(
    readonly req: IncomingMessage,
    private readonly res: ServerResponse,
    readonly params: Record<string, string>,
    readonly query: URLSearchParams,
    readonly ctx: GatewayContext,
    public principal: Principal,
  ) {}

  body(limitBytes = this.ctx.maxBodyBytes): Promise<Buffer> {
    return (this.bodyRead ??= readBody(this.req, limitBytes));
  }

  async json<S extends z.ZodType>(schema: S, limitBytes?: number): Promise<z.infer<S>> {
    return parseJson(await this.body(limitBytes), schema);
  }

  get gone(): AbortSignal {
    if (!this.goneController) {
      const controller = (this.goneController = new AbortController());
      const res = this.res;
      // Already closed without an answer (the client left before a route asked): aborted now.
      if (res.closed) {
        if (!res.writableEnded) controller.abort();
      } else {
        res.once('close', () => {
          if (!res.writableEnded) controller.abort();
        });
      }
    }
    return this.goneController.signal;
  }
}

export function makeRequest(
  req: IncomingMessage,
  res: ServerResponse,
  params: Record<string, string>,
  query: URLSearchParams,
  ctx: GatewayContext,
  principal: Principal,
): Request {
  return new GatewayRequest(req, res, params, query, ctx, principal);
}

export type { ServerResponse };

/**
 * The query parsed by the route's zod `query` object, for its `handle`: 400 validation_failed
 * naming each bad parameter (details `{field, issues: [{path, message}]}`). A parameter whose
 * schema is an array may be repeated (header=…&header=…); any other given twice is refused.
 * Undefined for a route that declares names, `'any'` or nothing.
 */
export function parseQuery(route: Route, query: URLSearchParams): unknown {
  const schema = route.query;
  if (!(schema instanceof z.ZodObject)) return undefined;
  const repeatable = Object.keys(schema.shape).filter((key) => isArray(schema.shape[key]));
  return validate(schema, queryObject(query, repeatable));
}

/** Whether a field's schema takes an array, under any optional, nullable or default wrapper. */
function isArray(field: unknown): boolean {
  let s = field;
  while (s instanceof z.ZodOptional || s instanceof z.ZodNullable || s instanceof z.ZodDefault) s = s.unwrap();
  return s instanceof z.ZodArray;
}

/** The query parameter names `route` reads; undefined when it takes any. */
export function queryNames(route: Route): readonly string[] | undefined {
  if (route.query === 'any') return undefined;
  if (route.query === undefined) return [];
  return Array.isArray(route.query) ? route.query : Object.keys((route.query as z.ZodObject).shape);
}

/** 400 validation_failed for the first query parameter `route` does not read, naming the ones it does. */
export function refuseUnknownQuery(route: Route, query: URLSearchParams): void {
  const names = queryNames(route);
  if (!names) return;
  for (const key of query.keys()) {
    if (names.includes(key)) continue;
    const takes = names.length === 0 ? 'takes no query parameters' : `takes ${names.join(', ')}`;
    throw new GatewayError('validation_failed', `Unknown query parameter '${key}': ${route.method} ${route.path} ${takes}`, {
      field: key,
      issues: [{ path: key, message: 'unknown query parameter' }],
      accepted: [...names],
    });
  }
}

/** The most of a body a route that takes none reads before refusing it: `{}` and white space fit. */
const NO_BODY_READ_BYTES = 1024;

/**
 * 400 validation_failed when a route that reads no body (no `request`, no `rawBody`) is sent one,
 * as for a query parameter it does not read: `{"ids":[…]}` on a purge would otherwise purge
 * everything. No body, white space, or an empty JSON object (`{}`, which many clients send with
 * every POST and DELETE) is none. The message starts with where: the first key of a JSON
 * object, else "The body". A body past NO_BODY_READ_BYTES is refused unread (400, not 413).
 */
export async function refuseBody(route: Route, r: Request): Promise<void> {
  if (route.request || route.rawBody) return;
  const { headers } = r.req;
  if (headers['transfer-encoding'] === undefined && (headers['content-length'] === undefined || headers['content-length'] === '0')) return;
  let text: string | null = null;
  try {
    text = (await r.body(NO_BODY_READ_BYTES)).toString('utf8').trim();
  } catch (e) {
    if (!(e instanceof GatewayError && e.code === 'payload_too_large')) throw e;
  }
  if (text === '') return;
  let key: string | undefined;
  if (text !== null) {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      // not JSON: refused as a body
    }
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      key = Object.keys(value)[0]?.slice(0, 100);
      if (key === undefined) return; // {}
    }
  }
  const what = `${route.method} ${route.path} takes no body, so nothing in one would be read: send the request without a body (or with {})`;
  throw new GatewayError('validation_failed', `${key ?? 'The body'}: ${what}`, {
    ...(key !== undefined ? { field: key } : {}),
    issues: [{ path: key ?? '', message: key !== undefined ? 'unknown field: this endpoint takes no body' : 'this endpoint takes no body' }],
  });
}
