/**
 * The `sigstore:` evidence kind: one playbook covers MST statements (the demo's) and Sigstore bundles (from
 * ../shared/vectors) side by side, run directly and from a packed audit bundle; a wrong identity fails exactly its
 * item, naming the step; the loader refuses incomplete items at their line.
 */

import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { runAudit } from "../cli/audit.ts";
import { memoryIo } from "../cli/io.ts";
import { runCli } from "../cli/main.ts";
import { loadPlaybook, PlaybookError } from "../core/playbook/mod.ts";
import type { AuditReport } from "../core/report/model.ts";
import { vectorTest } from "./_vectors.ts";

const FIXTURES = fileURLToPath(new URL("../fixtures/", import.meta.url));
const SUITE = "sigstore-conformance/test/assets/bundle-verify";
const IDENTITY =
  "https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main";

function copyTree(from: string, to: string): void {
  Deno.mkdirSync(to, { recursive: true });
  for (const entry of Deno.readDirSync(from)) {
    if (entry.isDirectory) copyTree(`${from}/${entry.name}`, `${to}/${entry.name}`);
    else Deno.copyFileSync(`${from}/${entry.name}`, `${to}/${entry.name}`);
  }
}

/** A folder with the demo's MST evidence and three Sigstore cases, and the demo playbook extended with them. */
function stage(vectors: string, dir: string, identity = IDENTITY): string {
  copyTree(`${FIXTURES}mst`, `${dir}/mst`);
  copyTree(`${FIXTURES}demo`, `${dir}/demo`);
  const sig = `${dir}/sigstore`;
  Deno.mkdirSync(sig);
  Deno.copyFileSync(`${vectors}/${SUITE}/a.txt`, `${sig}/a.txt`);
  Deno.copyFileSync(`${vectors}/sigstore-trusted-root/public-good-trusted_root.json`, `${sig}/trusted_root.json`);
  for (const name of ["happy-path-v0.3", "rekor2-happy-path", "managed-key-happy-path"]) {
    Deno.copyFileSync(`${vectors}/${SUITE}/${name}/bundle.sigstore.json`, `${sig}/${name}.sigstore.json`);
  }
  Deno.copyFileSync(`${vectors}/${SUITE}/rekor2-happy-path/trusted_root.json`, `${sig}/staging_trusted_root.json`);
  Deno.copyFileSync(`${vectors}/${SUITE}/managed-key-happy-path/key.pub`, `${sig}/key.pub`);
  const playbook = Deno.readTextFileSync(`${dir}/demo/demo.yaml`).replace(
    /\nreport:/,
    `
sigstore:
  - id: release-v03
    bundle: ../sigstore/happy-path-v0.3.sigstore.json
    artifact: ../sigstore/a.txt
    trusted-root: ../sigstore/trusted_root.json
    identity: ${identity}
    issuer: https://token.actions.githubusercontent.com
  - id: release-rekor2
    bundle: ../sigstore/rekor2-happy-path.sigstore.json
    artifact-digest: sha256:a0cfc71271d6e278e57cd332ff957c3f7043fdda354c4cbb190a30d56efa01bf
    trusted-root: ../sigstore/staging_trusted_root.json
    identity-regexp: ^https://github\\.com/sigstore-conformance/
    issuer: https://token.actions.githubusercontent.com
  - id: managed
    bundle: ../sigstore/managed-key-happy-path.sigstore.json
    artifact: ../sigstore/a.txt
    trusted-root: ../sigstore/trusted_root.json
    key: ../sigstore/key.pub

report:`,
  );
  Deno.writeTextFileSync(`${dir}/demo/audit.yaml`, playbook);
  return `${dir}/demo/audit.yaml`;
}

const AT = new Date(Date.UTC(2026, 10, 1));
const statuses = (report: AuditReport, kind: string) =>
  report.findings.filter((f) => f.kind === kind).map((f) => `${f.id}:${f.status}`);

vectorTest(
  "one playbook reports MST statements and Sigstore bundles side by side, also from a packed bundle",
  async (vectors) => {
    const dir = await Deno.makeTempDir();
    try {
      const playbook = stage(vectors, dir);
      const report = await runAudit(playbook, { at: AT });
      assert.deepEqual(report.findings.filter((f) => f.status === "fail").map((f) => f.id), []);
      assert.equal(report.verdict, "pass");
      assert.deepEqual(statuses(report, "sigstore"), [
        "sigstore.release-v03:pass",
        "sigstore.release-rekor2:pass",
        "sigstore.managed:pass",
      ]);
      assert.ok(report.findings.some((f) => f.kind === "statement" && f.status === "pass"));
      const rekor2 = report.findings.find((f) => f.id === "sigstore.release-rekor2")!;
      assert.equal(rekor2.details?.["identity"], IDENTITY);
      assert.ok(
        report.inputs.some((i) => i.role === "sigstore-bundle" && i.path.endsWith("rekor2-happy-path.sigstore.json")),
      );
      assert.ok(report.inputs.some((i) => i.role === "sigstore-trusted-root"));

      const packed = `${dir}/audit.bundle`;
      assert.equal(await runCli(["bundle", "pack", playbook, "-o", packed], memoryIo()), 0);
      const listing = memoryIo();
      assert.equal(await runCli(["bundle", "list", packed], listing), 0);
      const listed = listing.stdout.join("\n");
      for (
        const file of [
          "happy-path-v0.3.sigstore.json",
          "rekor2-happy-path.sigstore.json",
          "key.pub",
          "trusted_root.json",
        ]
      ) {
        assert.ok(listed.includes(file), `${file} is packed`);
      }
      const fromBundle = await runAudit(packed, { at: AT });
      assert.deepEqual(statuses(fromBundle, "sigstore"), statuses(report, "sigstore"));
      assert.equal(fromBundle.verdict, "pass");
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
);

vectorTest("a Sigstore item whose identity is not the signer's fails alone, naming the step", async (vectors) => {
  const dir = await Deno.makeTempDir();
  try {
    const report = await runAudit(stage(vectors, dir, "https://example.com/someone-else"), { at: AT });
    assert.equal(report.verdict, "fail");
    assert.deepEqual(report.findings.filter((f) => f.status === "fail").map((f) => f.id), ["sigstore.release-v03"]);
    const failed = report.findings.find((f) => f.id === "sigstore.release-v03")!;
    assert.equal(failed.code, "SIGSTORE_IDENTITY_MISMATCH");
    assert.equal(failed.details?.["step"], "identity");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("loadPlaybook() refuses a keyless sigstore item without a trusted root, at its position", async () => {
  const yaml = `playbook: 1
name: sigstore load checks
trust:
  transparency: [{ issuer: ledger.example, keys: keys.json }]
  signers: ["did:x509:0:sha256:I__iuL25oXEVFdTP_aBLx_eT1RPHbCQ_ECBQfYZpt9s::eku:1.3.6.1.4.1.311.76.59.1.2"]
sigstore:
  - id: s
    bundle: b.json
    artifact: a.txt
    identity: x
    issuer: y
`;
  await assert.rejects(
    loadPlaybook(new TextEncoder().encode(yaml), { file: "s.yaml", exists: () => true }),
    (error: unknown) => {
      assert.ok(error instanceof PlaybookError, String(error));
      assert.deepEqual([error.code, error.line], ["PLAYBOOK_INVALID", 7]);
      assert.match(error.detail, /needs trusted-root: there is no built-in Sigstore root and no network fetch/);
      return true;
    },
  );
});
