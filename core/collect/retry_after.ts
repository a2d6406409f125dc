/**
 * `Retry-After` (RFC 9110 §10.2.3): delay-seconds or an HTTP date, turned into milliseconds to wait.
 *
 * @module
 */

/**
 * The wait a `Retry-After` value asks for, in milliseconds, or `undefined` when it is absent or unreadable.
 * A date in the past is a wait of 0.
 *
 * @example
 * ```ts
 * import { ok as assert } from "node:assert/strict";
 * import { retryAfterMs } from "./retry_after.ts";
 * assert(retryAfterMs("2", new Date(0)) === 2000);
 * assert(retryAfterMs("Thu, 01 Jan 1970 00:00:05 GMT", new Date(0)) === 5000);
 * assert(retryAfterMs("soon", new Date(0)) === undefined);
 * ```
 */
export function retryAfterMs(value: string | null, now: Date): number | undefined {
  if (value === null) return undefined;
  const text = value.trim();
  if (/^\d{1,9}$/.test(text)) return Number(text) * 1000;
  if (!/^[A-Za-z]{3}, \d{2} [A-Za-z]{3} \d{4} \d{2}:\d{2}:\d{2} GMT$/.test(text)) return undefined;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now.getTime());
}
