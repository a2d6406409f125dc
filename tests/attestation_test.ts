/**
 * Self-contained attestation tests on the generated fixtures in `fixtures/attestation/` (no ../shared needed): a
 * forged SEV-SNP-shaped report signed by a test VCEK → ASK → ARK chain, trusted only as an explicitly named
 * non-AMD root, and a CCF node quote that carries it with a UVM endorsement.
 */
import assert from "node:assert/strict";
import { fromHex, fromUtf8, toBase64, toHex, utf8 } from "../core/bytes.ts";
import { sha256 } from "../core/crypto/digest.ts";
import {
  AMD_ROOTS,
  amdProduct,
  ccfNodeId,
  matchPinnedRoot,
  parseSnpEndorsements,
  parseSnpReport,
  snpBindingValues,
  verifyNodeQuotes,
  verifySnpReport,
  verifyUvmEndorsement,
} from "../core/attestation/mod.ts";
import { AuditError } from "../core/errors.ts";

const ROOT = new URL("../fixtures/attestation/", import.meta.url);
const read = (path: string) => Deno.readFileSync(new URL(path, ROOT));
const expected = JSON.parse(fromUtf8(read("expected.json")));

/** The test ARK, pinned here by its fingerprint and named as what it is. */
const TEST_ROOT = {
  name: "scitt-audit test ARK",
  sha256: "3c7df2c76f22be98a611e582ae98e45c1d5a8bba130d474d0d2ecab8967de665",
} as const;
const trusted = { extraRoots: [TEST_ROOT] };
const endorsements = () => parseSnpEndorsements(read("snp_endorsements.pem"));
const uvmRoots = [{ did: expected.uvm.did, feed: "scitt-audit-test-UVM", minSvn: 100 }];

function assertThrowsCode(fn: () => unknown, code: string, message?: RegExp): void {
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof AuditError, String(error));
    assert.equal(error.code, code);
    if (message) assert.match(error.message, message);
    return true;
  });
}

Deno.test("the fixture pins the test ARK this file names", () => {
  assert.equal(expected.ark_sha256, TEST_ROOT.sha256);
});

Deno.test("parseSnpReport() reads every field of the fixture report", () => {
  const report = parseSnpReport(read("snp_report.bin"));
  assert.equal(report.version, 3);
  assert.equal(report.guestSvn, 2);
  assert.equal(report.policy.value, "0x3001f");
  assert.deepEqual([report.policy.abiMajor, report.policy.abiMinor], [0, 31]);
  assert.deepEqual([report.policy.debug, report.policy.migrateMa, report.policy.smt], [false, false, true]);
  assert.equal(report.vmpl, 0);
  assert.equal(report.signatureAlgo, 1);
  assert.deepEqual(report.signer, { authorKeyEn: false, maskChipKey: false, signingKey: "vcek" });
  assert.deepEqual(report.cpuid, { family: 0x19, model: 0x01, stepping: 0x01 });
  assert.equal(report.reportedTcb.hex, expected.reported_tcb);
  assert.deepEqual(
    [report.reportedTcb.bootLoader, report.reportedTcb.tee, report.reportedTcb.snp, report.reportedTcb.microcode],
    [3, 0, 8, 115],
  );
  assert.deepEqual(snpBindingValues(report), {
    "host-data": expected.host_data,
    "measurement": expected.measurement,
    "report-data": expected.report_data,
    "chip-id": expected.chip_id,
    "reported-tcb": expected.reported_tcb,
  });
  assert.equal(report.signature.length, 96);
  assert.deepEqual(report.warnings, []);
});

Deno.test("parseSnpReport() accepts base64 and hex text of the report", () => {
  const bytes = read("snp_report.bin");
  assert.equal(toHex(parseSnpReport(toBase64(bytes)).measurement), expected.measurement);
  assert.equal(toHex(parseSnpReport(utf8(toHex(bytes).toUpperCase())).measurement), expected.measurement);
});

Deno.test("parseSnpReport() rejects a short report, version 1 and non-zero signature padding with SNP_MALFORMED", () => {
  const bytes = read("snp_report.bin");
  assertThrowsCode(() => parseSnpReport(bytes.slice(0, 1183)), "SNP_MALFORMED", /expected 1184 bytes, found 1183$/);
  const v1 = bytes.slice();
  v1[0] = 1;
  assertThrowsCode(() => parseSnpReport(v1), "SNP_MALFORMED", /version 1 is below 2$/);
  const padded = bytes.slice();
  padded[0x2a0 + 60] = 1;
  assertThrowsCode(() => parseSnpReport(padded), "SNP_MALFORMED", /signature component bytes 48-71 must be zero$/);
});

Deno.test("verifySnpReport() accepts the fixture with the explicitly named test root and flags it as non-AMD", async () => {
  const result = await verifySnpReport(read("snp_report.bin"), endorsements(), trusted);
  assert.equal(result.valid, true, JSON.stringify(result.error));
  assert.deepEqual(result.root, { name: TEST_ROOT.name, amd: false, sha256: TEST_ROOT.sha256 });
  assert.deepEqual(result.product, { name: "Milan", source: "cpuid" });
  const root = result.checks.find((c) => c.id === "root")!;
  assert.equal(root.status, "warn");
  assert.equal(
    root.message,
    `Root is "${TEST_ROOT.name}" (SHA-256 ${TEST_ROOT.sha256}), named by the caller as a non-AMD root: NOT an AMD root, so this report is not AMD-attested`,
  );
  assert.deepEqual(result.checks.map((c) => c.id), [
    "chain",
    "root",
    "product",
    "signature",
    "signer",
    "vmpl",
    "debug",
    "migrate-ma",
    "vcek-tcb",
    "chip-id",
  ]);
  assert.equal(toHex(result.vcek.hwId!), expected.chip_id);
});

Deno.test("verifySnpReport() rejects the test chain when its root is not named (SNP_CHAIN_INVALID)", async () => {
  const result = await verifySnpReport(read("snp_report.bin"), endorsements());
  assert.equal(result.error?.code, "SNP_CHAIN_INVALID");
  assert.equal(
    result.error?.message,
    `Cannot trust root: SHA-256 ${TEST_ROOT.sha256} is not a pinned AMD root nor a root named by the caller`,
  );
  assert.equal(result.checks.find((c) => c.id === "signature")?.status, "pass");
});

Deno.test("verifySnpReport() rejects a report with one changed measurement byte (SNP_SIGNATURE_INVALID)", async () => {
  const tampered = read("snp_report.bin").slice();
  tampered[0x090] = tampered[0x090]! ^ 0x01;
  const result = await verifySnpReport(tampered, endorsements(), trusted);
  assert.equal(result.error?.code, "SNP_SIGNATURE_INVALID");
  assert.equal(result.error?.message, "Report signature does not verify with the VCEK");
  assert.deepEqual(result.checks.filter((c) => c.status === "fail").map((c) => c.id), ["signature"]);
});

Deno.test("verifySnpReport() rejects the DEBUG report on policy although its signature verifies", async () => {
  const result = await verifySnpReport(read("snp_report_debug.bin"), endorsements(), trusted);
  assert.equal(result.error?.code, "SNP_POLICY_FAILED");
  assert.equal(result.error?.message, "Guest policy 0xb001f allows debugging (bit 19)");
  assert.equal(result.checks.find((c) => c.id === "signature")?.status, "pass");
});

Deno.test("verifySnpReport() applies the minimum TCB component by component, and the endorsed TCB", async () => {
  const low = await verifySnpReport(read("snp_report.bin"), endorsements(), {
    ...trusted,
    minTcb: { bootLoader: 3, tee: 0, snp: 8, microcode: 115 },
  });
  assert.equal(low.valid, true);
  const high = await verifySnpReport(read("snp_report.bin"), endorsements(), { ...trusted, minTcb: { snp: 9 } });
  assert.equal(high.error?.code, "SNP_POLICY_FAILED");
  assert.equal(high.error?.message, "Reported TCB is below the minimum in snp 8 < 9");
  const endorsed = await verifySnpReport(read("snp_report.bin"), endorsements(), {
    ...trusted,
    endorsedTcb: "7308000000000004",
  });
  assert.equal(endorsed.error?.code, "SNP_CHAIN_INVALID");
});

Deno.test("verifySnpReport() checks certificate validity only when asked", async () => {
  const late = await verifySnpReport(read("snp_report.bin"), endorsements(), {
    ...trusted,
    validAt: new Date("2050-01-01T00:00:00Z"),
  });
  assert.equal(late.error?.code, "SNP_CHAIN_INVALID");
  assert.equal(late.error?.message, "Certificate chain verification failed: certificate has expired.");
});

Deno.test("the pinned AMD roots cannot be replaced, extended or impersonated", async () => {
  assert.ok(Object.isFrozen(AMD_ROOTS) && AMD_ROOTS.every(Object.isFrozen));
  assert.throws(() => (AMD_ROOTS as unknown as object[]).push({}), TypeError);
  assert.throws(() => {
    (AMD_ROOTS[0] as { sha256: string }).sha256 = TEST_ROOT.sha256;
  }, TypeError);
  const ark = endorsements().ark;
  for (const name of ["ARK-Milan", "milan", "AMD test root", "ark-anything"]) {
    await assert.rejects(
      matchPinnedRoot(ark, { extraRoots: [{ name, sha256: TEST_ROOT.sha256 }] }),
      RangeError,
      name,
    );
  }
  await assert.rejects(
    matchPinnedRoot(ark, { extraRoots: [{ name: "shadow", sha256: AMD_ROOTS[0]!.sha256 }] }),
    /it is a pinned AMD root already/,
  );
  const match = await matchPinnedRoot(ark, { extraRoots: [TEST_ROOT], products: [amdProduct("genoa")] });
  assert.equal(match.amd, false);
});

Deno.test("verifyNodeQuotes() verifies the fixture quote: report, UVM endorsement and node_id binding", async () => {
  const options = { ...trusted, uvmRoots };
  const result = await verifyNodeQuotes(read("node_quotes_self.json"), options);
  assert.equal(result.valid, true, JSON.stringify(result.quotes[0]?.error));
  const [quote] = result.quotes;
  assert.equal(quote?.nodeId, expected.node_id);
  assert.equal(quote?.nodeIdMatches, true);
  assert.equal(await ccfNodeId(fromHex(expected.node_identity_spki)), expected.node_id);
  assert.equal(quote?.uvm?.svn, "101");
  assert.equal(quote?.uvm?.measurementMatches, true);
  assert.equal(toHex(quote!.snp!.report.hostData), toHex(await sha256(read("security_policy.rego"))));
});

Deno.test("verifyNodeQuotes() rejects a node_id that is not the report_data, and a UVM svn below the root", async () => {
  const body = JSON.parse(fromUtf8(read("node_quotes_self.json")));
  const wrongId = JSON.stringify({ ...body, node_id: "ff".repeat(32) });
  const result = await verifyNodeQuotes(wrongId, { ...trusted, uvmRoots });
  assert.equal(result.quotes[0]?.error?.code, "NODE_QUOTE_INVALID");
  assert.equal(
    result.quotes[0]?.error?.message,
    `node_id ${"ff".repeat(32)} is not report_data[0:32] ${expected.node_id}`,
  );
  const strict = await verifyNodeQuotes(read("node_quotes_self.json"), {
    ...trusted,
    uvmRoots: [{ ...uvmRoots[0]!, minSvn: 102 }],
  });
  assert.equal(strict.quotes[0]?.error?.code, "UVM_ENDORSEMENT_INVALID");
  await assert.rejects(
    verifyNodeQuotes("{"),
    (error: unknown) => error instanceof AuditError && error.code === "JSON_MALFORMED",
  );
});

Deno.test("verifyUvmEndorsement() rejects an endorsement of another measurement", async () => {
  const other = new Uint8Array(48);
  const result = await verifyUvmEndorsement(read("uvm_endorsement.cose"), { roots: uvmRoots, measurement: other });
  assert.equal(result.error?.code, "UVM_ENDORSEMENT_INVALID");
  assert.match(result.error!.message, /^Endorsed measurement [0-9a-f]{96} differs from the report measurement 0{96}$/);
  const tampered = read("uvm_endorsement.cose").slice();
  tampered[tampered.length - 1] = tampered.at(-1)! ^ 1;
  assert.equal((await verifyUvmEndorsement(tampered)).error?.code, "COSE_SIGNATURE_INVALID");
});
