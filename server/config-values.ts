import { z } from 'zod';

/**
 * The readers of setting values (numbers, sizes, durations, rates, booleans, checked text) that
 * server/config.ts assembles the configuration from; each answers a zod schema for one variable.
 */

export class ConfigError extends Error {}

/**
 * How a setting is read: an absent, empty or blank value means "not set" (the default applies:
 * a templated env file leaves `PORT=` empty); any other value is read by `read`, which answers
 * the value or what the setting must be. Every numeric and boolean variable goes through here.
 */
type Read<T> = (text: string) => { value: T } | { error: string };
function setting<T>(fallback: T, read: Read<T>) {
  return z
    .string()
    .transform((v, ctx): T => {
      if (v.trim() === '') return fallback;
      const r = read(v.trim());
      if ('error' in r) {
        ctx.addIssue({ code: 'custom', message: r.error });
        return z.NEVER;
      }
      return r.value;
    })
    .default(fallback as never); // absent: the default (blank is handled above); `never`: zod types a generic default as Awaited<T>
}

const quoted = (text: string) => JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text);

/** Whole decimal numbers only: no sign, fraction, exponent or hex (`0x10`, `1e1` and `-1` are refused, not read as 16, 10, -1). */
export function integer(fallback: number, min: number, max: number) {
  return setting(fallback, (text) => {
    const n = /^\d+$/.test(text) ? Number(text) : NaN;
    return n >= min && n <= max ? { value: n } : { error: `must be a whole number from ${min} to ${max}, not ${quoted(text)}` };
  });
}

/** Requests per second (decimals allowed); 0 is no limit. Bursts are twice the rate, so a rate below 0.5 would refuse everything. */
const RATE_MAX = 1_000_000;
export function rate(fallback: number) {
  return setting(fallback, (text) => {
    const n = /^\d+(\.\d+)?$/.test(text) ? Number(text) : NaN;
    return n === 0 || (n >= 0.5 && n <= RATE_MAX)
      ? { value: n }
      : { error: `must be 0 (no limit) or a number of requests per second from 0.5 to ${RATE_MAX}, not ${quoted(text)}` };
  });
}

const UNITS_BYTES = { b: 1, kb: 1024, kib: 1024, mb: 1024 ** 2, mib: 1024 ** 2, gb: 1024 ** 3, gib: 1024 ** 3 };
const UNITS_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Writes an amount back in the largest unit that divides it (for messages). */
function shown(n: number, units: Record<string, number>, bare: string): string {
  if (n === 0) return bare === 'b' ? '0 bytes' : '0ms';
  const [unit, factor] = Object.entries(units)
    .filter(([u]) => !u.endsWith('ib'))
    .sort((a, b) => b[1] - a[1])
    .find(([, f]) => n % f === 0) ?? [bare, 1];
  return `${n / factor}${unit === bare ? (bare === 'b' ? ' bytes' : 'ms') : unit}`;
}

/** Byte sizes: a number of bytes, or with a unit (`512kb`, `1mb`, `2gb`; binary units: 1kb is 1024 bytes). */
export function bytes(fallback: number, min: number, max: number) {
  const range = `from ${shown(min, UNITS_BYTES, 'b')} to ${shown(max, UNITS_BYTES, 'b')}`;
  return setting(fallback, (text) => {
    const m = /^(\d+(?:\.\d+)?)\s*(b|kb|kib|mb|mib|gb|gib)?$/i.exec(text);
    if (!m) return { error: `expected a size such as 1048576, 512kb, 1mb or 2gb (${range}), not ${quoted(text)}` };
    const n = Math.floor(Number(m[1]) * UNITS_BYTES[(m[2] ?? 'b').toLowerCase() as 'b']);
    return n >= min && n <= max ? { value: n } : { error: `must be a size ${range}, not ${quoted(text)}` };
  });
}

/** Durations: milliseconds, or with a unit (`30s`, `24h`, `7d`). */
export function duration(fallback: number, min: number, max: number) {
  const range = `from ${shown(min, UNITS_MS, 'ms')} to ${shown(max, UNITS_MS, 'ms')}`;
  return setting(fallback, (text) => {
    const m = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?$/i.exec(text);
    if (!m) return { error: `expected a duration such as 500ms, 30s, 24h or 7d (${range}), not ${quoted(text)}` };
    const n = Math.floor(Number(m[1]) * UNITS_MS[(m[2] ?? 'ms').toLowerCase() as 'ms']);
    return n >= min && n <= max ? { value: n } : { error: `must be a duration ${range}, not ${quoted(text)}` };
  });
}

const TRUE = ['1', 'true', 'yes', 'on'];
const FALSE = ['0', 'false', 'no', 'off'];

/**
 * The one reader of boolean variables: 1/true/yes/on and 0/false/no/off in any case; empty or
 * absent is the default; anything else is refused, so that `HATOBA_DASHBOARD=enabled` cannot
 * mean off to one reader and on to another. loadConfig reads every flag with it (and
 * server/start.ts reads the configuration through loadConfig); a script reading one variable
 * on its own (scripts/cluster.ts) should call this.
 */
export function readFlag(name: string, value: string | undefined, fallback: boolean): boolean {
  const r = readFlagText(value ?? '', fallback);
  if ('error' in r) throw new ConfigError(`Invalid configuration:\n  ${name}: ${r.error}`);
  return r.value;
}
function readFlagText(text: string, fallback: boolean): { value: boolean } | { error: string } {
  const t = text.trim().toLowerCase();
  if (t === '') return { value: fallback };
  if (TRUE.includes(t)) return { value: true };
  if (FALSE.includes(t)) return { value: false };
  return { error: `must be 1, true, yes or on (on), or 0, false, no or off (off), not ${quoted(text.trim())}` };
}
export const flag = (fallback: boolean) => setting(fallback, (text) => readFlagText(text, fallback));

/**
 * Text (empty when absent) that `parse` must accept: a value it refuses with a `Refused` error
 * is a problem of the setting, its message what is wrong; any other error is thrown on.
 */
export function checkedText(parse: (text: string) => unknown, Refused: abstract new (...args: never[]) => Error) {
  return z
    .string()
    .default('')
    .superRefine((v, ctx) => {
      try {
        parse(v);
      } catch (e) {
        if (!(e instanceof Refused)) throw e;
        ctx.addIssue({ code: 'custom', message: e.message });
      }
    });
}
