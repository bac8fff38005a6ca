/**
 * Which database errors mean "the connection or the server is gone", as opposed to a statement
 * that failed. Both drivers' errors pass through here; only postgres.js produces these.
 */
const CLIENT_CODES = new Set([
  // postgres.js
  'CONNECTION_CLOSED',
  'CONNECTION_ENDED',
  'CONNECTION_DESTROYED',
  'CONNECT_TIMEOUT',
  // node sockets
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/** SQLSTATEs of a session that is over: class 08 (connection exception), admin/crash shutdown. */
function isSessionOverState(code: string): boolean {
  return code.startsWith('08') || code === '57P01' || code === '57P02';
}

function codeOf(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** The connection this error came from is gone: nothing more may be sent on it. */
export function isConnectionLost(err: unknown): boolean {
  const code = codeOf(err);
  return !!code && (CLIENT_CODES.has(code) || isSessionOverState(code));
}

/**
 * The database cannot serve right now (connection lost, server starting or stopping, too many
 * clients): a retry later, perhaps on another node, may succeed.
 */
export function isDatabaseUnavailable(err: unknown): boolean {
  const code = codeOf(err);
  return isConnectionLost(err) || code === '57P03' || code === '53300';
}
