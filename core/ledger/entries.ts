/**
 * Statements registered in a SCITT ledger (`public:scitt.entry`, spec: ccf-ledger §5): each entry decodes as a
 * COSE_Sign1, its SHA-256 is its transaction's claims digest, and its signature verifies with the leaf of its
 * x5chain. Also the watch list (issuer patterns) and working hours that make unknown identities and off-hours
 * signing into findings.
 *
 * @module
 */

import { equalBytes, toHex } from "../bytes.ts";
import type { CborValue } from "../cbor.ts";
import { CLAIM, HEADER } from "../cose/labels.ts";
import { type CoseSign1, decodeCoseSign1, verifyCoseSign1 } from "../cose/sign1.ts";
import { parseCertificate } from "../x509/certificate.ts";
import { sha256Sync } from "./leaf.ts";

/** What one entry says, before its proof is known. */
export interface DecodedEntry {
  readonly issuer: string | null;
  readonly subject: string | null;
  readonly contentType: string | null;
  /** Whether its digest equals the claims digest. */
  readonly digestMatches: boolean;
  /** Hex SHA-256 of the entry. */
  readonly digest: string;
  /** Whether the signature verified (`null` when not checked). */
  readonly signatureValid: boolean | null;
  /** Why the entry could not be decoded or verified. */
  readonly problem?: string;
  /** The decoded statement, when it decoded. */
  readonly message?: CoseSign1;
}

function leafCertificate(header: ReadonlyMap<CborValue, CborValue>): Uint8Array | undefined {
  const value = header.get(HEADER.X5CHAIN);
  if (value instanceof Uint8Array) return value;
  if (Array.isArray(value) && value[0] instanceof Uint8Array) return value[0];
  return undefined;
}

/**
 * Decodes one entry and checks its digest against the claims digest; {@linkcode verifyEntrySignature} then checks
 * its signature when the level asks for it.
 *
 * @example
 * ```ts
 * import { decodeEntry } from "./entries.ts";
 * import { strictEqual } from "node:assert/strict";
 * const entry = decodeEntry(new Uint8Array([1, 2]), new Uint8Array(32));
 * strictEqual(entry.problem, "The entry does not decode: Cannot decode COSE_Sign1: expected a COSE_Sign1 array, found an unsigned integer");
 * ```
 */
export function decodeEntry(bytes: Uint8Array, claimsDigest: Uint8Array | undefined): DecodedEntry {
  const digest = sha256Sync(bytes);
  const digestMatches = claimsDigest !== undefined && equalBytes(digest, claimsDigest);
  const base = { digest: toHex(digest), digestMatches, signatureValid: null };
  let message: CoseSign1;
  try {
    message = decodeCoseSign1(bytes);
  } catch (error) {
    return {
      ...base,
      issuer: null,
      subject: null,
      contentType: null,
      problem: `The entry does not decode: ${(error as Error).message}`,
    };
  }
  const header = message.protectedHeader;
  const cwt = header.get(HEADER.CWT_CLAIMS);
  const claim = (label: number) => cwt instanceof Map && typeof cwt.get(label) === "string" ? cwt.get(label) : null;
  const contentType = header.get(HEADER.CONTENT_TYPE);
  return {
    ...base,
    issuer: claim(CLAIM.ISS) as string | null,
    subject: claim(CLAIM.SUB) as string | null,
    contentType: typeof contentType === "string" || typeof contentType === "number" ? String(contentType) : null,
    message,
  };
}

/**
 * Verifies a decoded entry's signature with the leaf of its x5chain; an entry that did not decode stays as it is.
 *
 * @example
 * ```ts
 * import { decodeEntry, verifyEntrySignature } from "./entries.ts";
 * import { strictEqual } from "node:assert/strict";
 * // [h'', {}, h'', h''] has no x5chain.
 * const entry = await verifyEntrySignature(decodeEntry(new Uint8Array([0x84, 0x40, 0xa0, 0x40, 0x40]), undefined));
 * strictEqual(entry.problem, "The entry has no x5chain in its protected header");
 * ```
 */
export async function verifyEntrySignature(entry: DecodedEntry): Promise<DecodedEntry> {
  const { message } = entry;
  if (!message) return entry;
  const leaf = leafCertificate(message.protectedHeader);
  if (!leaf) return { ...entry, signatureValid: false, problem: "The entry has no x5chain in its protected header" };
  try {
    const valid = await verifyCoseSign1(message, parseCertificate(leaf).publicKey);
    return valid
      ? { ...entry, signatureValid: true }
      : { ...entry, signatureValid: false, problem: "The entry's signature does not verify with its x5chain leaf" };
  } catch (error) {
    return { ...entry, signatureValid: false, problem: `Cannot verify the entry: ${(error as Error).message}` };
  }
}

/** A watch list of issuer patterns: `*` matches any run of characters; anything else matches itself. */
export class IssuerPatterns {
  readonly #patterns: readonly RegExp[];
  /** The patterns as given. */
  readonly sources: readonly string[];

  constructor(patterns: readonly string[]) {
    this.sources = patterns;
    this.#patterns = patterns.map((p) =>
      new RegExp(`^${p.split("*").map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join(".*")}$`, "s")
    );
  }

  /** Whether an issuer matches one of the patterns. */
  matches(issuer: string): boolean {
    return this.#patterns.some((p) => p.test(issuer));
  }
}

/** Working hours: the days and the time of day in a fixed UTC offset, e.g. Monday to Friday 08:00–18:00 +01:00. */
export interface WorkingHours {
  /** Allowed days, 0 = Sunday … 6 = Saturday. */
  readonly days: readonly number[];
  /** Start, minutes after midnight. */
  readonly from: number;
  /** End (exclusive), minutes after midnight. */
  readonly to: number;
  /** Offset from UTC in minutes, e.g. 60. */
  readonly offsetMinutes: number;
}

const DAYS = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];

/**
 * Parses `"Mon-Fri 08:00-18:00"` with an optional `UTC`, `Z` or `±HH:MM` offset (default UTC).
 *
 * @example
 * ```ts
 * import { parseWorkingHours } from "./entries.ts";
 * import { deepStrictEqual } from "node:assert/strict";
 * deepStrictEqual(parseWorkingHours("Mon-Fri 08:00-18:00 +01:00"), { days: [1, 2, 3, 4, 5], from: 480, to: 1080, offsetMinutes: 60 });
 * ```
 */
export function parseWorkingHours(text: string): WorkingHours {
  const match =
    /^\s*([A-Za-z]{3})(?:-([A-Za-z]{3}))?\s+(\d{2}):(\d{2})-(\d{2}):(\d{2})(?:\s+(UTC|Z|[+-]\d{2}:\d{2}))?\s*$/
      .exec(text);
  const fail = (): never => {
    throw new SyntaxError(`Cannot parse working hours '${text}': expected e.g. 'Mon-Fri 08:00-18:00 +01:00'`);
  };
  if (!match) return fail();
  const first = DAYS.indexOf(match[1]!.toLowerCase());
  const last = DAYS.indexOf((match[2] ?? match[1]!).toLowerCase());
  if (first < 0 || last < 0) return fail();
  const days: number[] = [];
  for (let d = first;; d = (d + 1) % 7) {
    days.push(d);
    if (d === last) break;
  }
  const from = Number(match[3]) * 60 + Number(match[4]);
  const to = Number(match[5]) * 60 + Number(match[6]);
  if (from >= to || to > 24 * 60) return fail();
  const zone = match[7];
  const offsetMinutes = zone === undefined || zone === "UTC" || zone === "Z"
    ? 0
    : (zone.startsWith("-") ? -1 : 1) * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6)));
  return { days, from, to, offsetMinutes };
}

/** Whether a time falls inside the working hours. */
export function withinWorkingHours(hours: WorkingHours, time: Date): boolean {
  const local = new Date(time.getTime() + hours.offsetMinutes * 60_000);
  const minutes = local.getUTCHours() * 60 + local.getUTCMinutes();
  return hours.days.includes(local.getUTCDay()) && minutes >= hours.from && minutes < hours.to;
}
