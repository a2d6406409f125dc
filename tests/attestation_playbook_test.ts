/**
 * The `attestations:` section end to end: `fixtures/attestation/binding.yaml` binds a captured node quote (a
 * forged SEV-SNP report on a test chain) to the security policy registered in `mst/`, and one changed policy
 * byte fails exactly that binding. Also: the non-AMD root is flagged, an unnamed one fails, a root posing as
 * AMD's is rejected at load, and the genuine vectors in `../shared/vectors/attestation` when present.
 *
 * @module
 */

import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { runAudit } from "../cli/audit.ts";
import { loadPlaybook, PlaybookError } from "../core/playbook/mod.ts";
import type { AuditReport, Finding } from "../core/report/model.ts";
import { vectorTest } from "./_vectors.ts";

const DIR = fileURLToPath(new URL("../fixtures/attestation/", import.meta.url));
const PLAYBOOK = `${DIR}binding.yaml`;
const TEST_ROOT = "scitt-audit test ARK (DO NOT TRUST)";
const HOST_DATA = "a4c6a59191457cf36ac191fbaf9b3a04a43a0bbcd51fcd5761280c0d301d10d0";

const ids = (report: AuditReport, status: Finding["status"]) =>
  report.findings.filter((f) => f.status === status).map((f) => f.id);
const byId = (report: AuditReport, id: string) => {
  const found = report.findings.find((f) => f.id === id);
  assert.ok(found, `no finding ${id}`);
  return found;
};

/** The binding playbook with every file path made absolute, edited, and run from a temporary folder. */
async function runEdited(edit: (yaml: string) => string, options: { at?: Date } = {}): Promise<AuditReport> {
  const text = (await Deno.readTextFile(PLAYBOOK)).replace(
    /^(\s*(?:- )?(?:keys|file|endorsements|uvm-endorsement): )(\S+)$/gm,
    (_, key: string, path: string) => `${key}${DIR}${path}`,
  );
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/binding.yaml`, edit(text));
    return await runAudit(`${dir}/binding.yaml`, options);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("runAudit() passes binding.yaml: host_data, launch measurement and chip bound, three warnings", async () => {
  const report = await runAudit(PLAYBOOK, {});
  assert.equal(report.verdict, "pass");
  assert.deepEqual(ids(report, "fail"), []);
  assert.deepEqual(ids(report, "warn"), ["trust.non-amd-root.0", "attestation.node.root", "attestation.report.root"]);
  assert.deepEqual(ids(report, "skip"), ["attestation.report.validity"]);
  assert.deepEqual(report.summary, { pass: 39, fail: 0, warn: 3, skip: 1 });
  assert.deepEqual(byId(report, "measurement.0").details, {
    value: { ref: "attestation.node.host-data", value: HOST_DATA },
    equals: { ref: "statement.deployment.payload | json security-policy-base64 | base64 | sha256", value: HOST_DATA },
  });
  const expected = JSON.parse(await Deno.readTextFile(`${DIR}expected.json`));
  assert.equal(expected.host_data, HOST_DATA);
  assert.deepEqual(byId(report, "measurement.1").details, {
    value: { ref: "attestation.node.measurement", value: expected.measurement },
    equals: { ref: "attestation.node.uvm-measurement", value: expected.measurement },
  });
  assert.equal(byId(report, "attestation.node.uvm-endorsement").details?.["svn"], "101");
  assert.equal(byId(report, "attestation.node.node-id").details?.["nodeId"], expected.node_id);
});

Deno.test("runAudit() fails exactly the host_data binding when the registered policy differs by one byte", async () => {
  const report = await runEdited((yaml) => yaml.replace("deployment-1.2.cose", "deployment-1.2.policy-changed.cose"));
  assert.equal(report.verdict, "fail");
  assert.deepEqual(ids(report, "fail"), ["measurement.0"]);
  const binding = byId(report, "measurement.0");
  assert.equal(
    binding.message,
    "the node runs the registered security policy: attestation.node.host-data does not equal statement.deployment.payload | json security-policy-base64 | base64 | sha256",
  );
  const details = binding.details as { value: { value: string }; equals: { value: string } };
  assert.equal(details.value.value, HOST_DATA);
  assert.match(details.equals.value, /^[0-9a-f]{64}$/);
  assert.notEqual(details.equals.value, HOST_DATA);
});

Deno.test("runAudit() flags the named non-AMD root with a warning that names it, in trust and per report", async () => {
  const report = await runAudit(PLAYBOOK, {});
  const trust = byId(report, "trust.non-amd-root.0");
  assert.equal(trust.status, "warn");
  assert.equal(
    trust.message,
    `"${TEST_ROOT}" is trusted as a SEV-SNP root because the playbook names it: it is NOT an AMD root, and evidence that chains to it is not AMD-attested`,
  );
  const root = byId(report, "attestation.node.root");
  assert.equal(root.status, "warn");
  assert.match(
    root.message,
    /^Root is "scitt-audit test ARK \(DO NOT TRUST\)" \(SHA-256 3c7df2c7[0-9a-f]{56}\), named/,
  );
  assert.deepEqual([root.details?.["name"], root.details?.["amd"]], [TEST_ROOT, false]);
});

Deno.test("runAudit() fails the chain with SNP_CHAIN_INVALID when the test root is not named", async () => {
  const report = await runEdited((yaml) => yaml.replace(/ {2}non-amd-roots:\n(?: {4}.*\n)+/, ""));
  assert.deepEqual(ids(report, "fail"), ["attestation.node.root", "attestation.report.root"]);
  const root = byId(report, "attestation.node.root");
  assert.equal(root.code, "SNP_CHAIN_INVALID");
  assert.match(
    root.message,
    /^Cannot trust root: SHA-256 3c7df2c7[0-9a-f]{56} is not a pinned AMD root nor a root named/,
  );
  assert.equal(report.findings.some((f) => f.id.startsWith("trust.non-amd-root")), false);
});

Deno.test("runAudit() checks validity at the evaluation time only where check-validity is true", async () => {
  const report = await runAudit(PLAYBOOK, { at: new Date("2030-01-01T00:00:00Z") });
  // The node's UVM endorsement leaf expired in 2027: it fails, and so endorses no measurement to bind.
  assert.deepEqual(ids(report, "fail"), ["attestation.node.uvm-endorsement", "measurement.1"]);
  assert.equal(byId(report, "measurement.1").code, "PLAYBOOK_REFERENCE");
  assert.equal(byId(report, "attestation.report.uvm-endorsement").status, "pass");
});

Deno.test("runAudit() fails the debug report on policy while its signature verifies", async () => {
  const report = await runEdited((yaml) => yaml.replace(/snp_report\.bin$/m, "snp_report_debug.bin"));
  assert.deepEqual(ids(report, "fail"), ["attestation.report.debug"]);
  const debug = byId(report, "attestation.report.debug");
  assert.deepEqual([debug.code, debug.message], [
    "SNP_POLICY_FAILED",
    "Guest policy 0xb001f allows debugging (bit 19)",
  ]);
});

const load = (yaml: string) =>
  loadPlaybook(new TextEncoder().encode(yaml), { file: "attest.yaml", exists: () => true });

function playbookWith(trustLines: string, attestation = ""): string {
  return `playbook: 1
name: attestation load checks
trust:
  transparency: [{ issuer: ledger.example, keys: keys.json }]
  signers: ["did:x509:0:sha256:I__iuL25oXEVFdTP_aBLx_eT1RPHbCQ_ECBQfYZpt9s::eku:1.3.6.1.4.1.311.76.59.1.2"]
${trustLines}${attestation}`;
}

async function assertLoadError(yaml: string, line: number, column: number, detail: RegExp): Promise<void> {
  await assert.rejects(load(yaml), (error: unknown) => {
    assert.ok(error instanceof PlaybookError, String(error));
    assert.equal(error.code, "PLAYBOOK_INVALID");
    assert.deepEqual([error.line, error.column], [line, column], error.message);
    assert.match(error.detail, detail);
    return true;
  });
}

Deno.test("loadPlaybook() rejects a non-AMD root named like an AMD root, at its position", async () => {
  const sha256 = "ab".repeat(32);
  for (const name of ["Milan", "ARK-Genoa", "our AMD root"]) {
    await assertLoadError(
      playbookWith(`  non-amd-roots:\n    - name: ${name}\n      sha256: ${sha256}\n`),
      7,
      7,
      new RegExp(
        `^invalid value for trust\\.non-amd-roots\\[0\\]: Cannot trust extra root "${name}": an explicitly named root must not pose as an AMD root$`,
      ),
    );
  }
});

Deno.test("loadPlaybook() rejects a pinned AMD fingerprint as a non-AMD root, and an unknown AMD product", async () => {
  await assertLoadError(
    playbookWith(
      `  non-amd-roots:\n    - name: relabelled\n      sha256: 69d063b45344d26a2e94e1f4210de49ef555308287d4c174445c95639a540bcd\n`,
    ),
    7,
    7,
    /it is a pinned AMD root already$/,
  );
  await assertLoadError(playbookWith(`  amd-roots: [milan, naples]\n`), 6, 22, /expected one of milan, genoa, turin/);
});

Deno.test("loadPlaybook() rejects keys that do not apply to an attestation kind, and a missing required file", async () => {
  const item = (lines: string) => `attestations:\n  - id: a\n${lines}`;
  await assertLoadError(
    playbookWith("", item("    kind: ccf-node-quote\n    file: q.json\n    certs: certs.json\n")),
    10,
    5,
    /^key 'certs' does not apply to kind ccf-node-quote in attestations\[0\]/,
  );
  await assertLoadError(
    playbookWith("", item("    kind: sev-snp-report\n    file: report.bin\n")),
    7,
    5,
    /^missing key 'endorsements' in attestations\[0\]: kind sev-snp-report needs it$/,
  );
  await assertLoadError(
    playbookWith("", item("    kind: maa-token\n    file: t.jwt\n    certs: c.json\n    expect: { max-vmpl: 0 }\n")),
    11,
    15,
    /^key 'max-vmpl' does not apply to kind maa-token in attestations\[0\]\.expect/,
  );
  await assertLoadError(
    playbookWith("", item("    kind: ccf-node-quote\n    file: q.json\n    expect: { debug: true }\n")),
    10,
    22,
    /^invalid value for attestations\[0\]\.expect\.debug: expected false, found true$/,
  );
});

vectorTest(
  "runAudit() binds the constructed CCF node quote and an MAA token from the shared vectors",
  async (vectors) => {
    const v = `${vectors}/attestation`;
    const dir = await Deno.makeTempDir();
    try {
      await Deno.writeTextFile(
        `${dir}/vectors.yaml`,
        `playbook: 1
name: attestation vectors
at: 2026-06-01T00:00:00Z
trust:
  transparency: [{ issuer: ledger.example, keys: ${
          fileURLToPath(new URL("../fixtures/mst/keys/ledger.contoso.example.jwks.json", import.meta.url))
        } }]
  signers: ["did:x509:0:sha256:I__iuL25oXEVFdTP_aBLx_eT1RPHbCQ_ECBQfYZpt9s::eku:1.3.6.1.4.1.311.76.59.1.2"]
  amd-roots: [milan]
attestations:
  - id: node
    kind: ccf-node-quote
    file: ${v}/ccf-snp/node_quotes_self.constructed.json
    check-validity: false
    expect: { debug: false, uvm-endorsed: true }
  - id: maa
    kind: maa-token
    file: ${v}/maa/token_sgx_shareduks_20210422.jwt
    certs: ${v}/maa/certs_shareduks_excerpt.json
    check-validity: false
    expect: { issuers: [https://shareduks.uks.test.attest.azure.net] }
measurements:
  - name: the node runs the security-context-test policy
    value: attestation.node.host-data
    equals: hex:4f4448c67f3c8dfc8de8a5e37125d807dadcc41f06cf23f615dbd52eec777d10
  - name: the node runs the endorsed UVM
    value: attestation.node.measurement
    equals: attestation.node.uvm-measurement
  - name: the MAA token attests the registered enclave
    value: attestation.maa.mrenclave
    equals: hex:b779202618becb636768e5d902f28d524222735fafb539ea9ba07c3fc171a1c2
  - name: the MAA token attests the registered signer
    value: attestation.maa.mrsigner
    equals: hex:2c1a44952ae8207135c6c29b75b8c029372ee94b677e15c20bd42340f10d41aa
`,
      );
      const report = await runAudit(`${dir}/vectors.yaml`, {});
      assert.deepEqual(ids(report, "fail"), []);
      assert.equal(byId(report, "attestation.node.root").status, "pass");
      assert.equal(byId(report, "attestation.node.root").details?.["name"], "ARK-Milan");
      assert.equal(byId(report, "attestation.maa.token").status, "pass");
      assert.deepEqual(byId(report, "attestation.maa.maa-enclave").details, {
        mrenclave: "31bfc63b6a41a280f3d4c93241c443fadfa5d834e318a4d9169d7fb29e8f8914",
        mrsigner: "5e5410aaf99a32e32df2a97d579e65f8310f274816ec4f34cedeeb1be410a526",
        kid: "cM0BIZs4vBOrduedqCVRzL4n7JPWWKerJP0FASTFQP0=",
      });
      assert.deepEqual(ids(report, "pass").filter((id) => id.startsWith("measurement.")), [
        "measurement.0",
        "measurement.1",
        "measurement.2",
        "measurement.3",
      ]);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
);

vectorTest("runAudit() fails a genuine Milan quote when only Genoa's pinned root is accepted", async (vectors) => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(
      `${dir}/genoa.yaml`,
      `playbook: 1
name: genoa only
at: 2026-06-01T00:00:00Z
trust:
  transparency: [{ issuer: ledger.example, keys: ${
        fileURLToPath(new URL("../fixtures/mst/keys/ledger.contoso.example.jwks.json", import.meta.url))
      } }]
  signers: ["did:x509:0:sha256:I__iuL25oXEVFdTP_aBLx_eT1RPHbCQ_ECBQfYZpt9s::eku:1.3.6.1.4.1.311.76.59.1.2"]
  amd-roots: [genoa]
attestations:
  - id: node
    kind: sev-snp-report
    file: ${vectors}/attestation/ccf-snp/milan_attestation.bin
    endorsements: ${vectors}/attestation/ccf-snp/milan_endorsements.pem
`,
    );
    const report = await runAudit(`${dir}/genoa.yaml`, {});
    assert.deepEqual(ids(report, "fail"), ["attestation.node.root"]);
    assert.equal(
      byId(report, "attestation.node.root").message,
      "Cannot trust root: ARK-Milan is pinned but not accepted here (accepted: Genoa)",
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
