/**
 * Times as text: ISO-8601 UTC only, so that a playbook, a report and a finding mean the same instant everywhere.
 *
 * @module
 */

/**
 * Parses `YYYY-MM-DDTHH:MM:SS[.fff]Z`; returns `undefined` for anything else, including impossible dates.
 *
 * @example
 * ```ts
 * import { parseUtcTime } from "./time.ts";
 * import { strictEqual } from "node:assert/strict";
 * strictEqual(parseUtcTime("2026-11-01T00:00:00Z")?.getTime(), Date.UTC(2026, 10, 1));
 * strictEqual(parseUtcTime("2026-02-30T00:00:00Z"), undefined);
 * ```
 */
export function parseUtcTime(text: string): Date | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,3}))?Z$/.exec(text);
  if (!m) return undefined;
  const [y, mo, d, h, mi, s] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const ms = m[7] ? Number(m[7].padEnd(3, "0")) : 0;
  const date = new Date(Date.UTC(y, mo - 1, d, h, mi, s, ms));
  const same = date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d &&
    date.getUTCHours() === h && date.getUTCMinutes() === mi && date.getUTCSeconds() === s;
  return same ? date : undefined;
}

/**
 * Formats a time as ISO-8601 UTC, without milliseconds when they are zero.
 *
 * @example
 * ```ts
 * import { formatUtcTime } from "./time.ts";
 * import { strictEqual } from "node:assert/strict";
 * strictEqual(formatUtcTime(new Date(Date.UTC(2026, 10, 1))), "2026-11-01T00:00:00Z");
 * ```
 */
export function formatUtcTime(date: Date): string {
  return date.toISOString().replace(".000Z", "Z");
}

/**
 * Formats seconds since the epoch (a CWT `iat`) as ISO-8601 UTC, or `undefined` when they are not a time.
 *
 * @example
 * ```ts
 * import { formatEpochSeconds } from "./time.ts";
 * import { strictEqual } from "node:assert/strict";
 * strictEqual(formatEpochSeconds(1772442000), "2026-03-02T09:00:00Z");
 * strictEqual(formatEpochSeconds(Number.MAX_VALUE), undefined);
 * ```
 */
export function formatEpochSeconds(seconds: number): string | undefined {
  const date = new Date(seconds * 1000);
  return Number.isNaN(date.getTime()) ? undefined : formatUtcTime(date);
}
