/**
 * Single-byte mutations of the five genuine MST transparent statements: every change to a signed or proven
 * region (statement protected header, payload and signature; each receipt's protected header and signature; each
 * inclusion proof) must be rejected, and so must every change to the CBOR structure around them — as an invalid
 * report or a coded malformed-input error, never a valid result and never an uncoded exception.
 *
 * Speed: one verification costs ~5 ms (RSA chains), so the x5chain certificate bytes inside the protected header are
 * sampled every {@linkcode CERT_STRIDE}th byte, and a region longer than {@linkcode MAX_EXHAUSTIVE} bytes (only the
 * 2 KB trust-list payload of aci-cc-ttl.ttl.cose) is sampled evenly at no more than that many positions. Every
 * other byte of the file is mutated: about 9,000 verifications, 35–45 s on 2 cores.
 *
 * @module
 */

import assert from "node:assert/strict";
import { AuditError } from "../core/errors.ts";
import { decodeCoseSign1 } from "../core/cose/sign1.ts";
import { HEADER } from "../core/cose/labels.ts";
import { importKeySet } from "../core/trust/import_keys.ts";
import type { ReceiptPolicy } from "../core/receipts/policy.ts";
import { TrustStore } from "../core/receipts/trust_store.ts";
import { type StatementReport, verifyTransparentStatement } from "../core/statement/mod.ts";
import { EXIT, exitFor } from "../cli/exit.ts";
import { readVector, vectorTest } from "./_vectors.ts";

/** Sampling stride inside x5chain certificates. */
const CERT_STRIDE = 8;
/** Other regions up to this size are mutated byte by byte; longer ones (the trust-list payload) evenly sampled. */
const MAX_EXHAUSTIVE = 512;
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
  /** Mutations tried: pins the region layout, so a locator that silently finds less fails. */
  readonly mutations: number;
}

const GENUINE: readonly Genuine[] = [
  {
    file: "mst/esrp-cts-cp/1ts-statement.scitt",
    keys: "mst/esrp-cts-cp/esrp_cp_ledger_pub_keys.json",
    keysIssuer: "esrp-cts-cp.confidential-ledger.azure.com",
    receiptIssuer: "esrp-cts-cp.confidential-ledger.azure.com",
    mutations: 2156,
  },
  {
    file: "mst/esrp-cts-db/uvm_0.2.10.cose",
    keys: "mst/esrp-cts-db/esrp_db_ledger_pub_keys.json",
    keysIssuer: "esrp-cts-db.confidential-ledger.azure.com",
    receiptIssuer: "esrp-cts-db.confidential-ledger.azure.com",
    mutations: 2019,
  },
  {
    file: "mst/esrp-cts-db/esrp_transparent_hash_envelop.cose",
    keys: "mst/esrp-cts-db/esrp_db_ledger_pub_keys.json",
    keysIssuer: "esrp-cts-db.confidential-ledger.azure.com",
    receiptIssuer: "esrp-cts-db.confidential-ledger.azure.com",
    mutations: 2096,
  },
  {
    file: "mst/esrp-cts-dev/aci-cc-ttl.ttl.cose",
    keys: "mst/esrp-cts-dev/aci-cc-ttl.ttl.json",
    receiptIssuer: "esrp-cts-dev.confidential-ledger.azure.com",
    mutations: 1833,
  },
  {
    file: "mst/sdk-foo.bar.com/transparent_statement.cose",
    keys: "mst/sdk-foo.bar.com/jwks_kid_mismatch.json",
    keysIssuer: "foo.bar.com",
    receiptIssuer: "foo.bar.com",
    mutations: 870,
  },
];

/** What a rejection must look like in a region. */
interface Rule {
  /** Whether a coded malformed-input error (exit 3) is an acceptable rejection. */
  readonly mayThrow: boolean;
  /** Why a returned (invalid) report is the wrong kind of rejection, or `undefined` when it is right. */
  readonly expect: (report: StatementReport) => string | undefined;
}

/** A named set of byte positions to mutate, with its rule. */
interface Region extends Rule {
  readonly name: string;
  readonly positions: readonly number[];
}

/**
 * A change to the signed statement changes its claims digest, so every receipt must stop matching it; the
 * statement may also fail to decode (a certificate or the header map no longer parses).
 */
const STATEMENT_RULE: Rule = {
  mayThrow: true,
  expect(report) {
    const wrong = report.receipts.find((r) => r.error?.code !== "RECEIPT_CLAIMS_DIGEST_MISMATCH");
    return wrong && `receipt ${wrong.index} reported ${wrong.error?.code ?? "valid"}, not a claims digest mismatch`;
  },
};

/** A change inside receipt `index` must fail that receipt and leave the statement's own checks intact. */
function receiptRule(index: number): Rule {
  return {
    mayThrow: false,
    expect(report) {
      if (!report.signature.valid || !report.identity.valid) {
        return "the statement signature or issuer stopped verifying";
      }
      return report.receipts[index]?.valid === false ? undefined : `receipt ${index} is not reported invalid`;
    },
  };
}

/** Structure bytes (item headers, labels, the unprotected framing) may break anything, as long as it is rejected. */
const STRUCTURE_RULE: Rule = { mayThrow: true, expect: () => undefined };

/** Every position of a region, or an even sample of {@linkcode MAX_EXHAUSTIVE} when it is longer. */
function positionsOf([start, end]: [number, number]): number[] {
  return range(start, end, Math.ceil((end - start) / MAX_EXHAUSTIVE));
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
  const add = (name: string, positions: number[], full: [number, number], rule: Rule) => {
    assert.ok(positions.length > 0, `region ${name} is empty`);
    regions.push({ name, positions, ...rule });
    for (const p of range(...full)) covered.add(p);
  };

  const protectedSpan = span(bytes, statement.protectedBytes);
  const chain = statement.protectedHeader.get(HEADER.X5CHAIN);
  const certs = (Array.isArray(chain) ? chain : [chain]).map((c) => span(bytes, c as Uint8Array));
  const inCert = (p: number) => certs.some(([s, e]) => p >= s && p < e);
  const statementPart = (name: string, positions: number[], full: [number, number]) =>
    add(name, positions, full, STATEMENT_RULE);
  statementPart("statement protected header", range(...protectedSpan).filter((p) => !inCert(p)), protectedSpan);
  certs.forEach((c, i) => statementPart(`statement x5chain certificate ${i}`, range(...c, CERT_STRIDE), c));
  const payload = span(bytes, statement.payload!);
  const signature = span(bytes, statement.signature);
  statementPart("statement payload", positionsOf(payload), payload);
  statementPart("statement signature", positionsOf(signature), signature);

  const receipts = statement.unprotectedHeader.get(HEADER.RECEIPTS) as Uint8Array[];
  receipts.forEach((receiptBytes, r) => {
    const receipt = decodeCoseSign1(receiptBytes);
    const base = span(bytes, receiptBytes)[0];
    const shift = ([s, e]: [number, number]): [number, number] => [base + s, base + e];
    const prot = shift(span(receiptBytes, receipt.protectedBytes));
    const sig = shift(span(receiptBytes, receipt.signature));
    add(`receipt ${r} protected header`, positionsOf(prot), prot, receiptRule(r));
    add(`receipt ${r} signature`, positionsOf(sig), sig, receiptRule(r));
    const proofs = (receipt.unprotectedHeader.get(HEADER.VDP) as Map<number, Uint8Array[]>).get(-1)!;
    proofs.forEach((proof, i) => {
      const p = shift(span(receiptBytes, proof));
      add(`receipt ${r} inclusion proof ${i} (leaf and path)`, positionsOf(p), p, receiptRule(r));
    });
  });
  const structure = range(0, bytes.length).filter((p) => !covered.has(p));
  regions.push({ name: "CBOR structure", positions: structure, ...STRUCTURE_RULE });
  return regions;
}

/** Counts per region, and every mutation that was not rejected the way its region requires. */
interface Tally {
  readonly tried: Map<string, number>;
  readonly rejected: Map<string, number>;
  /** Accepted mutations, uncoded exceptions and rejections of the wrong kind: must stay empty. */
  readonly failures: string[];
}

type Verify = (bytes: Uint8Array) => Promise<StatementReport>;

/** Why a mutation's outcome is not an acceptable rejection, or `undefined` when it is. */
async function judge(mutated: Uint8Array, region: Region, verify: Verify): Promise<string | undefined> {
  let report: StatementReport;
  try {
    report = await verify(mutated);
  } catch (error) {
    if (!(error instanceof AuditError)) return `threw an uncoded ${String(error)}`;
    if (!region.mayThrow) return `threw ${error.code} instead of reporting the receipt invalid`;
    return exitFor(error) === EXIT.MALFORMED ? undefined : `threw ${error.code}, not a malformed-input error`;
  }
  if (report.valid) return "still verifies";
  return region.expect(report);
}

async function mutateAll(bytes: Uint8Array, regions: readonly Region[], verify: Verify): Promise<Tally> {
  const tally: Tally = { tried: new Map(), rejected: new Map(), failures: [] };
  const bump = (map: Map<string, number>, key: string) => map.set(key, (map.get(key) ?? 0) + 1);
  const jobs: (() => Promise<void>)[] = [];
  const mutation = (region: Region, at: number, mask: number) => async () => {
    const mutated = bytes.slice();
    mutated[at] = mutated[at]! ^ mask;
    bump(tally.tried, region.name);
    const problem = await judge(mutated, region, verify);
    if (problem) tally.failures.push(`${region.name}: byte ${at} ^ 0x${mask.toString(16)} ${problem}`);
    else bump(tally.rejected, region.name);
  };
  for (const region of regions) {
    region.positions.forEach((at, i) => {
      jobs.push(mutation(region, at, 0x01));
      if (i % SECOND_PATTERN_STRIDE === 0) jobs.push(mutation(region, at, 0xff));
    });
  }
  for (let i = 0; i < jobs.length; i += CONCURRENCY) {
    await Promise.all(jobs.slice(i, i + CONCURRENCY).map((job) => job()));
  }
  return tally;
}

for (const genuine of GENUINE) {
  const name = genuine.file.split("/").pop()!;
  vectorTest(
    `verifyTransparentStatement() rejects every single-byte change to ${name} (XOR 0x01 on every byte, XOR 0xff on every ${SECOND_PATTERN_STRIDE}th; sampled: every ${CERT_STRIDE}th x5chain certificate byte, regions over ${MAX_EXHAUSTIVE} bytes evenly)`,
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
      const tally = await mutateAll(bytes, regions, verify);
      assert.deepEqual(tally.failures, []);
      for (const region of regions) {
        const expected = region.positions.length + Math.ceil(region.positions.length / SECOND_PATTERN_STRIDE);
        assert.equal(tally.tried.get(region.name), expected, region.name);
        assert.equal(tally.rejected.get(region.name), expected, region.name);
      }
      const sum = (counts: Map<string, number>) => [...counts.values()].reduce((a, b) => a + b, 0);
      assert.equal(sum(tally.tried), genuine.mutations);
      assert.equal(sum(tally.rejected), genuine.mutations);
    },
  );
}
