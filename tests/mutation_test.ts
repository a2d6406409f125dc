/**
 * Single-byte mutations of the five genuine MST transparent statements: every change to a signed or proven
 * region (statement protected header, payload and signature; each receipt's protected header and signature; each
 * inclusion proof) must be rejected, and so must every change to the CBOR structure around them — as an invalid
 * report or a coded malformed-input error, never a valid result and never an uncoded exception.
 *
 * Speed: one verification costs ~5 ms (RSA chains), so the x5chain certificate bytes inside the protected
 * header are sampled every {@linkcode CERT_STRIDE}th byte; every other byte is mutated.
 */

import assert from "node:assert/strict";
import { AuditError } from "../core/errors.ts";
import { decodeCoseSign1 } from "../core/cose/sign1.ts";
import { HEADER } from "../core/cose/labels.ts";
import { importKeySet } from "../core/receipts/import_keys.ts";
import type { ReceiptPolicy } from "../core/receipts/policy.ts";
import { TrustStore } from "../core/receipts/trust_store.ts";
import { verifyTransparentStatement } from "../core/statement.ts";
import { EXIT, exitFor } from "../cli/exit.ts";
import { readVector, vectorTest } from "./_vectors.ts";

/** Sampling stride inside x5chain certificates (every other region is mutated byte by byte). */
const CERT_STRIDE = 8;
/** Stride of the second pattern (XOR 0xff) over every region. */
const SECOND_PATTERN_STRIDE = 16;
/** Verifications in flight at once: WebCrypto work runs off the main thread, so this uses both cores. */
const CONCURRENCY = 4;

interface Genuine {
  readonly file: string;
  readonly keys: string;
  /** The issuer for key formats that do not name it. */
  readonly keysIssuer?: string;
  readonly receiptIssuer: string;
}

const GENUINE: readonly Genuine[] = [
  {
    file: "mst/esrp-cts-cp/1ts-statement.scitt",
    keys: "mst/esrp-cts-cp/esrp_cp_ledger_pub_keys.json",
    keysIssuer: "esrp-cts-cp.confidential-ledger.azure.com",
    receiptIssuer: "esrp-cts-cp.confidential-ledger.azure.com",
  },
  {
    file: "mst/esrp-cts-db/uvm_0.2.10.cose",
    keys: "mst/esrp-cts-db/esrp_db_ledger_pub_keys.json",
    keysIssuer: "esrp-cts-db.confidential-ledger.azure.com",
    receiptIssuer: "esrp-cts-db.confidential-ledger.azure.com",
  },
  {
    file: "mst/esrp-cts-db/esrp_transparent_hash_envelop.cose",
    keys: "mst/esrp-cts-db/esrp_db_ledger_pub_keys.json",
    keysIssuer: "esrp-cts-db.confidential-ledger.azure.com",
    receiptIssuer: "esrp-cts-db.confidential-ledger.azure.com",
  },
  {
    file: "mst/esrp-cts-dev/aci-cc-ttl.ttl.cose",
    keys: "mst/esrp-cts-dev/aci-cc-ttl.ttl.json",
    receiptIssuer: "esrp-cts-dev.confidential-ledger.azure.com",
  },
  {
    file: "mst/sdk-foo.bar.com/transparent_statement.cose",
    keys: "mst/sdk-foo.bar.com/jwks_kid_mismatch.json",
    keysIssuer: "foo.bar.com",
    receiptIssuer: "foo.bar.com",
  },
];

/** A named set of byte positions to mutate. */
interface Region {
  readonly name: string;
  readonly positions: readonly number[];
}

function range(start: number, end: number, stride = 1): number[] {
  const out: number[] = [];
  for (let i = start; i < end; i += stride) out.push(i);
  return out;
}

/** The span of a subarray of `input`, as [start, end) offsets into it. */
function span(input: Uint8Array, part: Uint8Array): [number, number] {
  const start = part.byteOffset - input.byteOffset;
  assert.ok(part.buffer === input.buffer && start >= 0 && start + part.length <= input.length, "not a subarray");
  return [start, start + part.length];
}

/**
 * Locates the signed and proven regions of a transparent statement, plus every remaining (structure) byte.
 * The decoder returns byte strings as subarrays of its input, so offsets come from `byteOffset`.
 */
function locateRegions(bytes: Uint8Array): Region[] {
  const statement = decodeCoseSign1(bytes);
  const regions: Region[] = [];
  const covered = new Set<number>();
  const add = (name: string, positions: number[], full: [number, number]) => {
    assert.ok(positions.length > 0, `region ${name} is empty`);
    regions.push({ name, positions });
    for (const p of range(...full)) covered.add(p);
  };

  const protectedSpan = span(bytes, statement.protectedBytes);
  const chain = statement.protectedHeader.get(HEADER.X5CHAIN);
  const certs = (Array.isArray(chain) ? chain : [chain]).map((c) => span(bytes, c as Uint8Array));
  const inCert = (p: number) => certs.some(([s, e]) => p >= s && p < e);
  add("statement protected header", range(...protectedSpan).filter((p) => !inCert(p)), protectedSpan);
  certs.forEach((c, i) => add(`statement x5chain certificate ${i} (every ${CERT_STRIDE}th byte)`, range(...c, CERT_STRIDE), c));
  add("statement payload", range(...span(bytes, statement.payload!)), span(bytes, statement.payload!));
  add("statement signature", range(...span(bytes, statement.signature)), span(bytes, statement.signature));

  const receipts = statement.unprotectedHeader.get(HEADER.RECEIPTS) as Uint8Array[];
  receipts.forEach((receiptBytes, r) => {
    const receipt = decodeCoseSign1(receiptBytes);
    const base = span(bytes, receiptBytes)[0];
    const shift = ([s, e]: [number, number]): [number, number] => [base + s, base + e];
    const prot = shift(span(receiptBytes, receipt.protectedBytes));
    const sig = shift(span(receiptBytes, receipt.signature));
    add(`receipt ${r} protected header`, range(...prot), prot);
    add(`receipt ${r} signature`, range(...sig), sig);
    const proofs = (receipt.unprotectedHeader.get(HEADER.VDP) as Map<number, Uint8Array[]>).get(-1)!;
    proofs.forEach((proof, i) => {
      const p = shift(span(receiptBytes, proof));
      add(`receipt ${r} inclusion proof ${i} (leaf and path)`, range(...p), p);
    });
  });
  const structure = range(0, bytes.length).filter((p) => !covered.has(p));
  regions.push({ name: "CBOR structure and unprotected framing", positions: structure });
  return regions;
}

interface Tally {
  tried: number;
  rejected: number;
  /** How rejections were reported: `invalid:<code>` or `malformed:<code>` (thrown, exit 3). */
  readonly outcomes: Map<string, number>;
  /** Mutations that were accepted or raised an uncoded error: must stay empty. */
  readonly failures: string[];
}

async function tryMutation(
  bytes: Uint8Array,
  at: number,
  mask: number,
  verify: (b: Uint8Array) => ReturnType<typeof verifyTransparentStatement>,
  region: string,
  tally: Tally,
): Promise<void> {
  const mutated = bytes.slice();
  mutated[at] = mutated[at]! ^ mask;
  tally.tried++;
  let outcome: string;
  try {
    const report = await verify(mutated);
    if (report.valid) {
      tally.failures.push(`${region}: byte ${at} ^ 0x${mask.toString(16)} still verifies`);
      return;
    }
    outcome = `invalid:${report.error!.code}`;
  } catch (error) {
    if (!(error instanceof AuditError) || exitFor(error) !== EXIT.MALFORMED) {
      tally.failures.push(`${region}: byte ${at} ^ 0x${mask.toString(16)} threw ${String(error)}`);
      return;
    }
    outcome = `malformed:${error.code}`;
  }
  tally.rejected++;
  tally.outcomes.set(outcome, (tally.outcomes.get(outcome) ?? 0) + 1);
}

async function mutateAll(
  bytes: Uint8Array,
  regions: readonly Region[],
  verify: (b: Uint8Array) => ReturnType<typeof verifyTransparentStatement>,
): Promise<Tally> {
  const tally: Tally = { tried: 0, rejected: 0, outcomes: new Map(), failures: [] };
  const jobs: (() => Promise<void>)[] = [];
  for (const region of regions) {
    for (const at of region.positions) jobs.push(() => tryMutation(bytes, at, 0x01, verify, region.name, tally));
    for (const at of region.positions.filter((_, i) => i % SECOND_PATTERN_STRIDE === 0)) {
      jobs.push(() => tryMutation(bytes, at, 0xff, verify, region.name, tally));
    }
  }
  for (let i = 0; i < jobs.length; i += CONCURRENCY) await Promise.all(jobs.slice(i, i + CONCURRENCY).map((j) => j()));
  return tally;
}

for (const genuine of GENUINE) {
  const name = genuine.file.split("/").pop()!;
  vectorTest(
    `verifyTransparentStatement() rejects every single-byte change to ${name} (XOR 0x01 on every byte, XOR 0xff on every ${SECOND_PATTERN_STRIDE}th; x5chain certificates sampled every ${CERT_STRIDE}th byte)`,
    async (dir) => {
      const bytes = readVector(dir, genuine.file);
      const trustStore = new TrustStore();
      await importKeySet(trustStore, readVector(dir, genuine.keys), {
        name: genuine.keys,
        ...(genuine.keysIssuer ? { issuer: genuine.keysIssuer } : {}),
      });
      const policy: ReceiptPolicy = {
        authorizedDomains: [genuine.receiptIssuer],
        authorizedReceiptBehavior: "VerifyAllMatching",
        unauthorizedReceiptBehavior: "FailIfPresent",
      };
      const verify = (b: Uint8Array) => verifyTransparentStatement(b, { trustStore, policy });
      const baseline = await verify(bytes);
      assert.equal(baseline.valid, true, `baseline ${name} must verify: ${baseline.error?.message}`);

      const regions = locateRegions(bytes);
      const expected = regions.reduce(
        (n, r) => n + r.positions.length + Math.ceil(r.positions.length / SECOND_PATTERN_STRIDE),
        0,
      );
      const tally = await mutateAll(bytes, regions, verify);
      assert.deepEqual(tally.failures, []);
      assert.equal(tally.tried, expected);
      assert.equal(tally.rejected, tally.tried);
    },
  );
}
