/**
 * Conformance on the public attestation samples in `../shared/vectors/attestation` (spec `attestation.md` §12):
 * every sample gives the result its README and `expected.json` state. Skipped, saying so, when the folder is absent.
 */
import assert from "node:assert/strict";
import { fromBase64, fromUtf8, toHex } from "../core/bytes.ts";
import { sha256 } from "../core/crypto/digest.ts";
import { importKeySet } from "../core/trust/import_keys.ts";
import type { ReceiptPolicy } from "../core/receipts/policy.ts";
import { TrustStore } from "../core/receipts/trust_store.ts";
import { parseCertificate, parseCertificates } from "../core/x509/certificate.ts";
import { verifyChain } from "../core/x509/chain.ts";
import {
  CCF_DEFAULT_UVM_ROOTS,
  enclaveReportDataMatchesKid,
  maaEnclaveQuote,
  matchPinnedRoot,
  parseSnpEndorsements,
  readVcekExtensions,
  type SnpVerification,
  verifyAttestedService,
  verifyMaaToken,
  verifyNodeQuotes,
  verifySnpReport,
  verifyUvmEndorsement,
} from "../core/attestation/mod.ts";
import { readVector, vectorTest } from "./_vectors.ts";

const A = "attestation";

interface ExpectedSnp {
  version: number;
  policy: string;
  vmpl: number;
  measurement: string;
  host_data: string;
  report_data: string;
  reported_tcb: string;
  reported_tcb_ccf_hex: string;
  chip_id: string;
  reported_tcb_fields: { boot_loader: number; tee: number; snp: number; microcode: number };
  policy_bits: { debug: number; migrate_ma: number; smt: number };
  vcek_tcb: { boot_loader: number; tee: number; snp: number; microcode: number };
  vcek_product: string;
  ark_sha256: string;
}

function expectedEntries(dir: string): Record<string, ExpectedSnp & Record<string, unknown>> {
  return JSON.parse(fromUtf8(readVector(dir, `${A}/expected.json`)));
}

/** Every fact expected.json records about a report and its chain. */
function assertSnpFacts(result: SnpVerification, want: ExpectedSnp): void {
  const { report } = result;
  assert.equal(report.version, want.version);
  assert.equal(report.policy.value, want.policy);
  assert.equal(report.vmpl, want.vmpl);
  assert.equal(toHex(report.measurement), want.measurement);
  assert.equal(toHex(report.hostData), want.host_data);
  assert.equal(toHex(report.reportData), want.report_data);
  assert.equal(report.reportedTcb.stored, want.reported_tcb);
  assert.equal(report.reportedTcb.hex, want.reported_tcb_ccf_hex);
  assert.equal(toHex(report.chipId), want.chip_id);
  const fields = want.reported_tcb_fields;
  assert.deepEqual(
    [report.reportedTcb.bootLoader, report.reportedTcb.tee, report.reportedTcb.snp, report.reportedTcb.microcode],
    [fields.boot_loader, fields.tee, fields.snp, fields.microcode],
  );
  assert.equal(report.policy.debug, want.policy_bits.debug === 1);
  assert.equal(report.policy.migrateMa, want.policy_bits.migrate_ma === 1);
  assert.equal(report.policy.smt, want.policy_bits.smt === 1);
  const vcek = want.vcek_tcb;
  assert.deepEqual(result.vcek.tcb, {
    bootLoader: vcek.boot_loader,
    tee: vcek.tee,
    snp: vcek.snp,
    microcode: vcek.microcode,
  });
  assert.equal(result.vcek.productName, want.vcek_product);
  assert.equal(result.root?.sha256, want.ark_sha256);
  assert.equal(result.root?.amd, true);
}

const failedChecks = (result: SnpVerification) => result.checks.filter((c) => c.status === "fail").map((c) => c.id);

let counted = 0;
/** Registers one sample; the final test checks how many ran. */
function sample(name: string, fn: (dir: string) => void | Promise<void>): void {
  counted++;
  vectorTest(`attestation vector: ${name}`, (dir) => fn(dir));
}

sample("ccf-snp Milan report + chain PASS with every recorded fact", async (dir) => {
  const result = await verifySnpReport(
    readVector(dir, `${A}/ccf-snp/milan_attestation.bin`),
    parseSnpEndorsements(readVector(dir, `${A}/ccf-snp/milan_endorsements.pem`)),
  );
  assert.equal(result.valid, true, JSON.stringify(result.error));
  assertSnpFacts(result, expectedEntries(dir)["ccf-snp/milan_attestation.bin+milan_endorsements.pem"]!);
  assert.deepEqual(result.product, { name: "Milan", source: "cpuid" });
});

sample("ccf-snp Genoa report + chain PASS with every recorded fact", async (dir) => {
  const result = await verifySnpReport(
    readVector(dir, `${A}/ccf-snp/genoa_attestation.bin`),
    parseSnpEndorsements(readVector(dir, `${A}/ccf-snp/genoa_endorsements.pem`)),
  );
  assert.equal(result.valid, true, JSON.stringify(result.error));
  assertSnpFacts(result, expectedEntries(dir)["ccf-snp/genoa_attestation.bin+genoa_endorsements.pem"]!);
  assert.deepEqual(result.product, { name: "Genoa", source: "cpuid" });
});

sample(
  "ccf-snp Milan report + Genoa chain FAILS: wrong root for the product, bad signature, other chip",
  async (dir) => {
    const result = await verifySnpReport(
      readVector(dir, `${A}/ccf-snp/milan_attestation.bin`),
      parseSnpEndorsements(readVector(dir, `${A}/ccf-snp/genoa_endorsements.pem`)),
    );
    assert.equal(result.valid, false);
    assert.equal(result.error?.code, "SNP_CHAIN_INVALID");
    assert.match(result.error!.message, /^The report is from Milan but the root is ARK-Genoa/);
    assert.deepEqual(failedChecks(result), ["product", "signature", "vcek-tcb", "chip-id"]);
    assert.equal(result.checks.find((c) => c.id === "chain")?.status, "pass");
  },
);

sample("ccf-snp v2 report with the Milan chain FAILS: other chip; product from the VCEK", async (dir) => {
  const result = await verifySnpReport(
    readVector(dir, `${A}/ccf-snp/v2_format_milan_attestation.bin`),
    parseSnpEndorsements(readVector(dir, `${A}/ccf-snp/milan_endorsements.pem`)),
  );
  const want = expectedEntries(
    dir,
  )["ccf-snp/v2_format_milan_attestation.bin+milan_endorsements.pem (negative: different chip)"]!;
  assert.equal(result.report.version, want.version);
  assert.equal(toHex(result.report.measurement), want.measurement);
  assert.equal(result.report.cpuid.family, 0);
  assert.equal(result.error?.code, "SNP_SIGNATURE_INVALID");
  assert.deepEqual(failedChecks(result), ["signature", "vcek-tcb", "chip-id"]);
  assert.deepEqual(result.product, { name: "Milan", source: "vcek" });
  assert.ok(result.notes.some((n) => n.includes("CCF cannot derive it")));
});

sample("ccf-snp constructed /node/quotes/self and /node/quotes PASS with the UVM endorsement", async (dir) => {
  for (const file of ["node_quotes_self.constructed.json", "node_quotes.constructed.json"]) {
    const result = await verifyNodeQuotes(readVector(dir, `${A}/ccf-snp/${file}`));
    assert.equal(result.valid, true, `${file}: ${JSON.stringify(result.quotes[0]?.error)}`);
    assert.equal(result.shape, file.startsWith("node_quotes_self") ? "self" : "quotes");
    const [quote] = result.quotes;
    assert.equal(quote?.nodeId, "00".repeat(32));
    assert.equal(quote?.nodeIdMatches, true);
    assert.equal(quote?.uvm?.format, "legacy");
    assert.equal(quote?.uvm?.svn, "101");
    assert.equal(quote?.uvm?.feed, "ContainerPlat-AMD-UVM");
    assert.equal(quote?.uvm?.root, CCF_DEFAULT_UVM_ROOTS[0]);
    assert.equal(quote?.uvm?.measurementMatches, true);
    const policy = fromBase64(
      fromUtf8(readVector(dir, `${A}/aci-security-context/security-context-test/security-policy-base64`)),
    );
    assert.equal(toHex(quote!.snp!.report.hostData), toHex(await sha256(policy)));
  }
});

const LEGACY_UVM = [
  ["rsa_test1.cose", "ContainerPlat-AMD-UVM", "100", 0],
  ["ecdsa_test1.cose", "ConfAKS-AMD-UVM", "1", 1],
  ["int_svn.cose", "ContainerPlat-AMD-UVM", "102", 0],
  ["uvm_0.2.9.cose", "ContainerPlat-AMD-UVM", "103", 0],
] as const;

for (const [file, feed, svn, rootIndex] of LEGACY_UVM) {
  sample(
    `ccf-uvm-endorsements/${file} PASS: ${feed} svn "${svn}" matches CCF default root ${rootIndex}`,
    async (dir) => {
      const result = await verifyUvmEndorsement(readVector(dir, `${A}/ccf-uvm-endorsements/${file}`), {
        roots: CCF_DEFAULT_UVM_ROOTS,
      });
      const want = expectedEntries(dir)[`ccf-uvm-endorsements/${file}`]!;
      assert.equal(result.valid, true, JSON.stringify(result.error));
      assert.equal(result.format, "legacy");
      assert.equal(result.did, want.iss);
      assert.equal(result.feed, feed);
      assert.equal(result.svn, svn);
      assert.equal(result.measurement, want.launch_measurement);
      assert.equal(result.root, CCF_DEFAULT_UVM_ROOTS[rootIndex]);
    },
  );
}

sample("ccf-uvm-endorsements/ecdsa_test1.cose FAILS against feed Malicious-ConfAKS-AMD-UVM", async (dir) => {
  const root = { ...CCF_DEFAULT_UVM_ROOTS[1]!, feed: "Malicious-ConfAKS-AMD-UVM" };
  const result = await verifyUvmEndorsement(readVector(dir, `${A}/ccf-uvm-endorsements/ecdsa_test1.cose`), {
    roots: [root],
  });
  assert.equal(result.valid, false);
  assert.equal(result.error?.code, "UVM_ENDORSEMENT_INVALID");
  assert.match(result.error!.message, /matches no accepted root of trust$/);
});

sample(
  "aci-security-context sidecar report + THIM JSON (and PEM) PASS; host_data = SHA-256(decoded policy)",
  async (dir) => {
    const base = `${A}/aci-security-context/sidecar-test_data`;
    const want = expectedEntries(dir)["aci-security-context/sidecar-test_data"]!;
    for (const endorsements of ["uvm_host_amd_certificate.json", "uvm_host_amd_certificate.pem"]) {
      const parsed = parseSnpEndorsements(readVector(dir, `${base}/${endorsements}`));
      const result = await verifySnpReport(readVector(dir, `${base}/snp_report.bin`), parsed);
      assert.equal(result.valid, true, `${endorsements}: ${JSON.stringify(result.error)}`);
      assertSnpFacts(result, want);
      assert.equal(parsed.format, endorsements.endsWith(".json") ? "thim-json" : "pem-bundle");
      if (parsed.format === "thim-json") {
        assert.equal(parsed.tcbm, "7308000000000003");
        assert.equal(result.checks.find((c) => c.id === "endorsed-tcb")?.status, "pass");
      }
    }
    const policy = fromBase64(fromUtf8(readVector(dir, `${base}/uvm_security_policy.base64`)));
    assert.equal(toHex(await sha256(policy)), "cadd74f71ebb8fbf9782baab649612520f3c416bc5ce9ac768808ddc8d9b031c");
  },
);

sample(
  'aci-security-context body.uvm_reference_info.bin PASS (svn "22" = report measurement), FAILS min svn 100',
  async (dir) => {
    const base = `${A}/aci-security-context/sidecar-test_data`;
    const report = await verifySnpReport(
      readVector(dir, `${base}/snp_report.bin`),
      parseSnpEndorsements(readVector(dir, `${base}/uvm_host_amd_certificate.json`)),
    );
    const bytes = readVector(dir, `${base}/body.uvm_reference_info.bin`);
    const ok = await verifyUvmEndorsement(bytes, { measurement: report.report.measurement });
    assert.equal(ok.valid, true, JSON.stringify(ok.error));
    assert.equal(ok.svn, "22");
    assert.equal(ok.measurementMatches, true);
    const strict = await verifyUvmEndorsement(bytes, { roots: CCF_DEFAULT_UVM_ROOTS });
    assert.equal(strict.error?.code, "UVM_ENDORSEMENT_INVALID");
  },
);

sample(
  "aci-security-context security-context-test: reference info PASS, THIM base64 reads, policy hash",
  async (dir) => {
    const base = `${A}/aci-security-context/security-context-test`;
    const info = await verifyUvmEndorsement(fromBase64(fromUtf8(readVector(dir, `${base}/reference-info-base64`))), {
      roots: CCF_DEFAULT_UVM_ROOTS,
    });
    assert.equal(info.valid, true, JSON.stringify(info.error));
    assert.equal(info.svn, "100");
    assert.match(info.measurement!, /^03fea028/);
    const thim = parseSnpEndorsements(readVector(dir, `${base}/host-amd-cert-base64`));
    assert.equal(thim.format, "thim-json");
    assert.equal(thim.tcbm, "7308000000000003");
    const policy = fromBase64(fromUtf8(readVector(dir, `${base}/security-policy-base64`)));
    assert.equal(toHex(await sha256(policy)), "4f4448c67f3c8dfc8de8a5e37125d807dadcc41f06cf23f615dbd52eec777d10");
  },
);

const ATTESTED = [
  ["20250617", "msft-css-dev", undefined, "101"],
  ["20250812", "msft-css-dev", undefined, "101"],
  ["20250925", "attestedsvc", "msft-css-dev", "101"],
  ["20260302", "attestedsvc", "css-cts-ppe", "104"],
] as const;

for (const [date, label, svcId, svn] of ATTESTED) {
  const legacy = label === "msft-css-dev";
  sample(
    `scitt-attestedsvc/css-attested-cosesign1-${date}.cose: crypto PASS, ${
      legacy ? "REJECTED (legacy label)" : "PASS"
    }`,
    async (dir) => {
      const result = await verifyAttestedService(
        readVector(dir, `${A}/scitt-attestedsvc/css-attested-cosesign1-${date}.cose`),
      );
      const want = expectedEntries(dir)[`scitt-attestedsvc/css-attested-cosesign1-${date}.cose`]! as unknown as {
        iss: string;
        snp: ExpectedSnp;
      };
      assert.equal(result.cryptoValid, true, JSON.stringify(result.checks));
      assert.equal(result.valid, !legacy);
      assert.equal(result.label, label);
      assert.equal(result.svcId, svcId);
      assert.equal(result.issuer, want.iss);
      assert.equal(result.uvm?.svn, svn);
      assert.equal(result.thumbprint, want.snp.report_data.slice(0, 64));
      assertSnpFacts(result.snp!, want.snp);
      if (legacy) {
        assert.equal(result.error?.code, "ATTESTED_SERVICE_INVALID");
        assert.match(result.error!.message, /^Legacy attested-service label "msft-css-dev"/);
      }
    },
  );
}

sample("scitt-attestedsvc/extracted byte strings verify on their own", async (dir) => {
  for (const date of ["20250617", "20260302"]) {
    const base = `${A}/scitt-attestedsvc/extracted/css-attested-cosesign1-${date}`;
    const snp = await verifySnpReport(
      readVector(dir, `${base}.attestation.bin`),
      parseSnpEndorsements(readVector(dir, `${base}.snp_endorsements.pem`)),
    );
    assert.equal(snp.valid, true, JSON.stringify(snp.error));
    const uvm = await verifyUvmEndorsement(readVector(dir, `${base}.uvm_endorsements.cose`), {
      roots: CCF_DEFAULT_UVM_ROOTS,
      measurement: snp.report.measurement,
    });
    assert.equal(uvm.valid, true, JSON.stringify(uvm.error));
  }
});

async function esrpStore(dir: string): Promise<TrustStore> {
  const store = new TrustStore();
  for (const [file, issuer] of [["db", "esrp-cts-db"], ["cp", "esrp-cts-cp"]]) {
    await importKeySet(store, readVector(dir, `${A}/mst-uvm-endorsements/esrp_${file}_ledger_pub_keys.json`), {
      name: file!,
      issuer: `${issuer}.confidential-ledger.azure.com`,
    });
  }
  return store;
}

const authorizeAll = (store: TrustStore): ReceiptPolicy => ({
  authorizedDomains: store.issuers(),
  authorizedReceiptBehavior: "VerifyAllMatching",
  unauthorizedReceiptBehavior: "FailIfPresent",
});

const MST_UVM = [
  ["scitt-attestedsvc/uvm_0.2.10.transparent.cose", "4904167a"],
  ["mst-uvm-endorsements/esrp_transparent_hash_envelop.cose", "dc3f5a93"],
] as const;

for (const [file, measurement] of MST_UVM) {
  sample(`${file} (MST form) PASS: svn 104, receipt verifies`, async (dir) => {
    const store = await esrpStore(dir);
    const result = await verifyUvmEndorsement(readVector(dir, `${A}/${file}`), {
      roots: CCF_DEFAULT_UVM_ROOTS,
      statement: { trustStore: store, policy: authorizeAll(store) },
    });
    assert.equal(result.valid, true, JSON.stringify(result.error));
    assert.equal(result.format, "mst");
    assert.equal(result.feed, "ContainerPlat-AMD-UVM");
    assert.equal(result.svn, "104");
    assert.equal(result.measurement?.slice(0, 8), measurement);
    assert.equal(result.statement?.receipts[0]?.valid, true);
  });
}

sample(
  "mst-uvm-endorsements/esrp_with_grafted_receipt.cose FAILS: the receipt is for another statement",
  async (dir) => {
    const store = await esrpStore(dir);
    const result = await verifyUvmEndorsement(
      readVector(dir, `${A}/mst-uvm-endorsements/esrp_with_grafted_receipt.cose`),
      {
        statement: {
          trustStore: store,
          policy: {
            authorizedDomains: store.issuers(),
            authorizedReceiptBehavior: "VerifyAllMatching",
            unauthorizedReceiptBehavior: "FailIfPresent",
          },
        },
      },
    );
    assert.equal(result.valid, false);
    assert.equal(result.error?.code, "RECEIPT_POLICY_FAILED");
    assert.equal(result.statement?.signature.valid, true);
    assert.equal(result.statement?.receipts[0]?.error?.code, "RECEIPT_CLAIMS_DIGEST_MISMATCH");
  },
);

sample("go-sev-guest attestation.bin: signature and chain PASS, DEBUG policy FAILS", async (dir) => {
  const result = await verifySnpReport(
    readVector(dir, `${A}/go-sev-guest/attestation.bin`),
    parseSnpEndorsements(
      readVector(dir, `${A}/go-sev-guest/vcek.der`),
      readVector(dir, `${A}/amd-roots/ask_ark_milan.pem`),
    ),
  );
  assertSnpFacts(result, expectedEntries(dir)["go-sev-guest/attestation.bin+vcek.der+amd-roots/ask_ark_milan.pem"]!);
  assert.equal(result.error?.code, "SNP_POLICY_FAILED");
  assert.equal(result.error?.message, "Guest policy 0xb0000 allows debugging (bit 19)");
  assert.deepEqual(failedChecks(result), ["debug"]);
});

sample("virtee-sev report_milan.hex (hex text) + VCEK + chain PASS", async (dir) => {
  const result = await verifySnpReport(
    readVector(dir, `${A}/virtee-sev/report_milan.hex`),
    parseSnpEndorsements(
      readVector(dir, `${A}/virtee-sev/vcek_milan.der`),
      readVector(dir, `${A}/virtee-sev/cert_chain_milan`),
    ),
  );
  assert.equal(result.valid, true, JSON.stringify(result.error));
  assertSnpFacts(result, expectedEntries(dir)["virtee-sev/report_milan.hex+vcek_milan.der+cert_chain_milan"]!);
});

sample("amd-roots and virtee Turin chain: pinned fingerprints, Turin VCEK has fmcSPL", async (dir) => {
  const names: string[] = [];
  for (const product of ["milan", "genoa", "turin_vcek"]) {
    const [, ark] = parseCertificates(readVector(dir, `${A}/amd-roots/ask_ark_${product}.pem`));
    names.push((await matchPinnedRoot(ark!)).name);
  }
  assert.deepEqual(names, ["ARK-Milan", "ARK-Genoa", "ARK-Turin"]);
  const turin = parseSnpEndorsements(
    readVector(dir, `${A}/virtee-sev/vcek_turin.der`),
    readVector(dir, `${A}/virtee-sev/cert_chain_turin`),
  );
  await verifyChain([turin.vcek, turin.ask, turin.ark]);
  assert.equal(readVcekExtensions(turin.vcek).tcb.fmc, 0);
  assert.equal(readVcekExtensions(turin.vcek).productName, "Turin");
});

sample(
  "maa token_sgx_shareduks_20210422.jwt: RS256 PASS with the x5c key; expired when time is checked",
  async (dir) => {
    const token = readVector(dir, `${A}/maa/token_sgx_shareduks_20210422.jwt`);
    const certs = readVector(dir, `${A}/maa/certs_shareduks_excerpt.json`);
    const result = await verifyMaaToken(token, { certs, issuers: ["https://shareduks.uks.test.attest.azure.net"] });
    assert.equal(result.valid, true, JSON.stringify(result.error));
    assert.equal(result.values.attestationType, "sgx");
    assert.equal(result.values.mrenclave, "b779202618becb636768e5d902f28d524222735fafb539ea9ba07c3fc171a1c2");
    assert.equal(result.values.mrsigner, "2c1a44952ae8207135c6c29b75b8c029372ee94b677e15c20bd42340f10d41aa");
    assert.equal(result.claims["x-ms-policy-hash"], "bROrN897ZfWmWY2V0FLUlu3uwk5xatGnKYHn3zBbSlw");
    const timed = await verifyMaaToken(token, { certs, validAt: new Date("2026-01-01T00:00:00Z") });
    assert.equal(timed.error?.code, "MAA_TOKEN_INVALID");
    assert.equal(timed.error?.message, "MAA token expired at 1619148011");
  },
);

sample("maa signing certificate: embedded SGX quote gives the MAA enclave's MRENCLAVE / MRSIGNER", (dir) => {
  const cert = parseCertificate(readVector(dir, `${A}/maa/maa_signing_cert_kid_cM0B.der`));
  const quote = maaEnclaveQuote(cert)!;
  assert.equal(quote.body.mrEnclave, "31bfc63b6a41a280f3d4c93241c443fadfa5d834e318a4d9169d7fb29e8f8914");
  assert.equal(quote.body.mrSigner, "5e5410aaf99a32e32df2a97d579e65f8310f274816ec4f34cedeeb1be410a526");
  assert.equal(quote.body.isvProdId, 1);
  assert.equal(quote.body.isvSvn, 1);
  assert.equal(
    enclaveReportDataMatchesKid(quote.body.reportData, "cM0BIZs4vBOrduedqCVRzL4n7JPWWKerJP0FASTFQP0="),
    true,
  );
  const payload = JSON.parse(
    fromUtf8(readVector(dir, `${A}/mst-payload-examples/sgx_payload_for_maa_cert.constructed.json`)),
  );
  assert.equal(payload["sgx-enclave"].mrenclave, quote.body.mrEnclave);
  assert.equal(payload["sgx-enclave"].mrsigner, quote.body.mrSigner);
});

sample("mst-payload-examples/aci_payload.constructed.json: policy hash = ccf-snp host_data", async (dir) => {
  const payload = JSON.parse(fromUtf8(readVector(dir, `${A}/mst-payload-examples/aci_payload.constructed.json`)));
  const report = await verifySnpReport(
    readVector(dir, `${A}/ccf-snp/milan_attestation.bin`),
    parseSnpEndorsements(readVector(dir, `${A}/ccf-snp/milan_endorsements.pem`)),
  );
  assert.equal(toHex(await sha256(fromBase64(payload["security-policy-base64"]))), toHex(report.report.hostData));
});

const SAMPLES = counted;
vectorTest(`attestation vectors: all ${SAMPLES} sample groups registered`, () => {
  assert.equal(SAMPLES, 27);
});
