/**
 * `scitt-audit inspect` on attestation evidence: an SEV-SNP report (raw, base64, hex), a CCF node-quotes
 * response and an MAA token, field by field in text and as JSON — on the generated fixtures, and on the
 * genuine samples in `../shared/vectors/attestation` when present.
 *
 * @module
 */

import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { toBase64, toHex } from "../core/bytes.ts";
import { vectorTest } from "./_vectors.ts";
import { cli } from "./_cli.ts";

const DIR = fileURLToPath(new URL("../fixtures/attestation/", import.meta.url));
const expected = JSON.parse(Deno.readTextFileSync(`${DIR}expected.json`));

// deno-lint-ignore no-explicit-any -- a parsed JSON description, read field by field in assertions
type Described = Record<string, any>;

async function inspectJson(path: string): Promise<Described> {
  const run = await cli("inspect", path, "--json");
  assert.deepEqual([run.exit, run.stderr], [0, []], run.stderr.join("\n"));
  assert.equal(run.stdout.length, 1);
  return JSON.parse(run.stdout[0]!);
}

async function withFiles(files: Record<string, Uint8Array | string>, fn: (dir: string) => Promise<void>) {
  const dir = await Deno.makeTempDir();
  try {
    for (const [name, content] of Object.entries(files)) {
      if (typeof content === "string") await Deno.writeTextFile(`${dir}/${name}`, content);
      else await Deno.writeFile(`${dir}/${name}`, content);
    }
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("inspect shows the fixture SEV-SNP report field by field, every binding value in full", async () => {
  const run = await cli("inspect", `${DIR}snp_report.bin`);
  assert.equal(run.exit, 0);
  assert.equal(run.stdout[0], "SEV-SNP report");
  for (
    const line of [
      "  version: 3",
      "  vmpl: 0",
      "  signatureAlgo: 1 (ECDSA P-384 SHA-384)",
      "    value: 0x3001f",
      "    debug: false",
      "    migrateMa: false",
      `  measurement: ${expected.measurement}`,
      `  hostData: ${expected.host_data}`,
      `  reportData: ${expected.report_data}`,
      `  chipId: ${expected.chip_id}`,
      `    tcbm: ${expected.reported_tcb}`,
      "    family: 0x19",
      "  warnings: []",
    ]
  ) assert.ok(run.stdout.includes(line), `line ${JSON.stringify(line)} in:\n${run.stdout.join("\n")}`);
});

Deno.test("inspect --json describes the report identically from raw bytes, base64 text and hex text", async () => {
  const raw = await inspectJson(`${DIR}snp_report.bin`);
  assert.equal(raw.kind, "SEV-SNP report");
  assert.deepEqual(
    [raw.version, raw.guestSvn, raw.policy.value, raw.policy.debug, raw.vmpl, raw.signer.signingKey],
    [3, 2, "0x3001f", false, 0, "vcek"],
  );
  assert.deepEqual(
    [raw.hostData, raw.measurement, raw.reportData, raw.chipId],
    [expected.host_data, expected.measurement, expected.report_data, expected.chip_id],
  );
  assert.deepEqual(raw.reportedTcb, { bootLoader: 3, tee: 0, snp: 8, microcode: 115, tcbm: expected.reported_tcb });
  assert.deepEqual([raw.signature.r.length, raw.signature.s.length], [96, 96]);
  const bytes = await Deno.readFile(`${DIR}snp_report.bin`);
  await withFiles({ "report.b64": toBase64(bytes) + "\n", "report.hex": toHex(bytes) }, async (dir) => {
    for (const name of ["report.b64", "report.hex"]) {
      const { file: _, ...fields } = await inspectJson(`${dir}/${name}`);
      const { file: __, ...rawFields } = raw;
      assert.deepEqual(fields, rawFields, name);
    }
  });
});

Deno.test("inspect --json describes the node quote: report, endorsement certificates and UVM endorsement", async () => {
  const d = await inspectJson(`${DIR}node_quotes_self.json`);
  assert.deepEqual([d.kind, d.shape, d.quotes.length], ["CCF node quotes", "self", 1]);
  const [quote] = d.quotes;
  assert.deepEqual([quote.nodeId, quote.format, quote.measurement], [
    expected.node_id,
    "AMD_SEV_SNP_v1",
    expected.measurement,
  ]);
  assert.equal(quote.raw.hostData, expected.host_data);
  assert.equal(quote.raw.kind, undefined);
  assert.equal(quote.endorsements.format, "pem-bundle");
  assert.equal(quote.endorsements.vcekExtensions.hwId, expected.chip_id);
  assert.equal(quote.endorsements.vcekExtensions.productName, "Milan-B0");
  assert.equal(
    quote.endorsements.ark.subject,
    "CN=scitt-audit Test ARK (DO NOT TRUST),O=scitt-audit test fixtures (DO NOT TRUST)",
  );
  assert.deepEqual([quote.uvmEndorsements.kind, quote.uvmEndorsements.protected.feed], [
    "signed statement",
    expected.uvm.feed,
  ]);
  const text = await cli("inspect", `${DIR}node_quotes_self.json`);
  assert.deepEqual([text.exit, text.stdout[0], text.stdout[1]], [0, "CCF node quotes", "  shape: self"]);
  assert.ok(text.stdout.includes(`        hostData: ${expected.host_data}`));
});

Deno.test("inspect still shows COSE: the UVM endorsement is a signed statement", async () => {
  const d = await inspectJson(`${DIR}uvm_endorsement.cose`);
  assert.deepEqual([d.kind, d.protected.feed], ["signed statement", expected.uvm.feed]);
});

Deno.test("inspect rejects unreadable attestation evidence in one line on stderr, exit 3", async () => {
  const v1 = (await Deno.readFile(`${DIR}snp_report.bin`)).slice();
  v1[0] = 1;
  await withFiles({ "v1.bin": v1, "quotes.json": '{"quotes": 3}', "token.jwt": "e30.bm90IGpzb24.AA" }, async (dir) => {
    const cases = [
      ["v1.bin", "Cannot parse SEV-SNP report: version 1 is below 2"],
      ["quotes.json", 'Cannot parse node quotes: "quotes" must be an array'],
      ["token.jwt", "Cannot read MAA token payload: not valid JSON"],
    ];
    for (const [name, message] of cases) {
      const run = await cli("inspect", `${dir}/${name}`);
      assert.deepEqual(
        [run.exit, run.stdout, run.stderr],
        [3, [], [`scitt-audit: ${dir}/${name}: ${message}`]],
        name,
      );
    }
  });
});

Deno.test("inspect --help names every form it shows", async () => {
  const run = await cli("inspect", "--help");
  assert.equal(run.exit, 0);
  const help = run.stdout.join("\n");
  for (const form of ["a COSE_Sign1", "an SEV-SNP report", "CCF node quotes", "an MAA token", "--json"]) {
    assert.ok(help.includes(form), form);
  }
});

vectorTest("inspect --json shows the genuine MAA token's header and claims, times in UTC", async (vectors) => {
  const d = await inspectJson(`${vectors}/attestation/maa/token_sgx_shareduks_20210422.jwt`);
  assert.equal(d.kind, "MAA token");
  assert.deepEqual([d.header.alg, d.header.kid], ["RS256", "cM0BIZs4vBOrduedqCVRzL4n7JPWWKerJP0FASTFQP0="]);
  assert.equal(d.claims["x-ms-sgx-mrenclave"], "b779202618becb636768e5d902f28d524222735fafb539ea9ba07c3fc171a1c2");
  assert.equal(d.claims["x-ms-sgx-mrsigner"], "2c1a44952ae8207135c6c29b75b8c029372ee94b677e15c20bd42340f10d41aa");
  assert.equal(d.claims.exp, "1619148011 (2021-04-23T03:20:11Z)");
  assert.equal(d.signature.length, 256);
});

vectorTest(
  "inspect --json shows the genuine CCF Milan report and the constructed node-quotes list",
  async (vectors) => {
    const report = await inspectJson(`${vectors}/attestation/ccf-snp/milan_attestation.bin`);
    assert.deepEqual([report.version, report.policy.value, report.cpuid.family, report.cpuid.model], [
      3,
      "0x3001f",
      "0x19",
      "0x01",
    ]);
    assert.equal(report.reportedTcb.tcbm, "db18000000000004");
    assert.equal(
      report.measurement,
      "5feee30d6d7e1a29f403d70a4198237ddfb13051a2d6976439487c609388ed7f98189887920ab2fa0096903a0c23fca1",
    );
    assert.equal(report.hostData, "4f4448c67f3c8dfc8de8a5e37125d807dadcc41f06cf23f615dbd52eec777d10");
    const list = await inspectJson(`${vectors}/attestation/ccf-snp/node_quotes.constructed.json`);
    assert.equal(list.shape, "quotes");
    assert.equal(list.quotes[0].raw.measurement, report.measurement);
    assert.equal(list.quotes[0].endorsements.ark.subject.includes("ARK-Milan"), true);
    assert.equal(list.quotes[0].uvmEndorsements.protected.feed, "ContainerPlat-AMD-UVM");
  },
);

vectorTest("inspect --json reads the virtee hex report and the version 2 sidecar report", async (vectors) => {
  const hex = await inspectJson(`${vectors}/attestation/virtee-sev/report_milan.hex`);
  assert.equal(hex.kind, "SEV-SNP report");
  const v2 = await inspectJson(`${vectors}/attestation/aci-security-context/sidecar-test_data/snp_report.bin`);
  assert.deepEqual([v2.version, v2.cpuid.family, v2.hostData], [
    2,
    "0x00",
    "cadd74f71ebb8fbf9782baab649612520f3c416bc5ce9ac768808ddc8d9b031c",
  ]);
});
