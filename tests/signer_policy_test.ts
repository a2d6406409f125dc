/**
 * The signer policy is one step of the statement pipeline (`core/signer_policy.ts`), so `verify` and `run` decide
 * alike: the same statement, keys, receipt policy, accepted signers, X.509 roots and evaluation time give the same
 * validity, the same first failure and the same checks through `verify --json` as through a playbook's findings.
 */

import * as assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { cli } from "./_cli.ts";

const REPO = fileURLToPath(new URL("..", import.meta.url));
const MST = `${REPO}fixtures/mst`;
const ISSUER = "did:x509:0:sha256:abTSBNGDIuygAa3IU27s5OY0LXo6uaTRMHRRP6QlSQU::eku:1.3.6.1.5.5.7.3.36";
const ISSUERS = ["ledger.contoso.example", "ledger.fabrikam.example"];

/** The evidence both commands read, copied into a fresh folder (a playbook names files relative to itself). */
async function evidence(dir: string): Promise<void> {
  await Deno.copyFile(`${MST}/statements/release-1.2.cose`, `${dir}/release.cose`);
  for (const issuer of ISSUERS) await Deno.copyFile(`${MST}/keys/${issuer}.jwks.json`, `${dir}/${issuer}.jwks.json`);
  await Deno.copyFile(`${REPO}fixtures/demo/test-root-ca.pem`, `${dir}/root.pem`);
  await Deno.copyFile(`${REPO}fixtures/attestation/snp_endorsements.pem`, `${dir}/other-root.pem`);
}

interface Case {
  readonly name: string;
  readonly signers: readonly string[];
  readonly roots: readonly string[];
  readonly at: string;
  /** The issuers whose keys are loaded (default: both). */
  readonly keys?: readonly string[];
  /** The authorized receipt behaviour (default: VerifyAllMatching). */
  readonly behavior?: string;
}

const CASES: readonly Case[] = [
  { name: "the accepted signer", signers: [ISSUER], roots: [], at: "2026-11-01T00:00:00Z" },
  { name: "a signer pattern", signers: ["did:x509:0:sha256:abTSBNGD*"], roots: [], at: "2026-11-01T00:00:00Z" },
  { name: "another signer", signers: ["did:x509:0:sha256:other::eku:1"], roots: [], at: "2026-11-01T00:00:00Z" },
  { name: "the right root", signers: [ISSUER], roots: ["root.pem"], at: "2026-11-01T00:00:00Z" },
  { name: "another root", signers: [ISSUER], roots: ["other-root.pem"], at: "2026-11-01T00:00:00Z" },
  { name: "the right root, long after", signers: [ISSUER], roots: ["root.pem"], at: "2099-01-01T00:00:00Z" },
  // One receipt cannot verify (no keys for its issuer); VerifyAnyMatching is satisfied by the other, so both
  // commands call the statement valid and report that receipt as a warning; VerifyAllMatching fails it.
  {
    name: "a receipt the policy tolerates",
    signers: [ISSUER],
    roots: [],
    at: "2026-11-01T00:00:00Z",
    keys: [ISSUERS[0]!],
    behavior: "VerifyAnyMatching",
  },
  {
    name: "a receipt the policy needs",
    signers: [ISSUER],
    roots: [],
    at: "2026-11-01T00:00:00Z",
    keys: [ISSUERS[0]!],
    behavior: "VerifyAllMatching",
  },
];

interface Decision {
  readonly valid: boolean;
  /** The code of the first failed check. */
  readonly code: string | null;
  readonly checks: readonly { id: string; status: string; code: string | null; message: string }[];
}

function shape(c: { id: string; status: string; code?: string; message: string }, prefix = "") {
  return { id: c.id.slice(prefix.length), status: c.status, code: c.code ?? null, message: c.message };
}

async function byVerify(dir: string, c: Case): Promise<Decision> {
  const args = ["verify", `${dir}/release.cose`, "--json", "--at", c.at];
  for (const issuer of c.keys ?? ISSUERS) args.push("--keys", `${issuer}=${dir}/${issuer}.jwks.json`);
  args.push("--authorized-domains", ISSUERS.join(","));
  args.push("--authorized-receipt-behavior", c.behavior ?? "VerifyAllMatching");
  for (const s of c.signers) args.push("--signer", s);
  for (const r of c.roots) args.push("--x509-roots", `${dir}/${r}`);
  const run = await cli(...args);
  const statement = JSON.parse(run.stdout.join("\n")).statements[0];
  assert.equal(run.exit, statement.valid ? 0 : 1, run.stdout.join("\n"));
  // `--at` also reports the signing certificate's own validity then (a warning unless --strict), which a run
  // leaves to its issue-time check; everything else is the same policy.
  const time = statement.checks.filter((x: { id: string }) => x.id === "certificate-time");
  const expired = statement.warnings.filter((w: string) => w.startsWith("The signing certificate expired at"));
  assert.equal(time.length + expired.length, 1, c.name);
  const checks = statement.checks.filter((x: { id: string }) => x.id !== "certificate-time");
  const failed = checks.find((x: { status: string }) => x.status === "fail");
  return { valid: statement.valid, code: failed?.code ?? null, checks: checks.map((x: never) => shape(x)) };
}

async function byRun(dir: string, c: Case): Promise<Decision> {
  const playbook = [
    "playbook: 1",
    "name: signer policy",
    `at: ${c.at}`,
    "trust:",
    "  transparency:",
    ...(c.keys ?? ISSUERS).flatMap((issuer) => [`    - issuer: ${issuer}`, `      keys: ${issuer}.jwks.json`]),
    "  receipts:",
    `    authorized-domains: [${ISSUERS.join(", ")}]`,
    `    authorized-receipt-behavior: ${c.behavior ?? "VerifyAllMatching"}`,
    "  signers:",
    ...c.signers.map((s) => `    - "${s}"`),
    ...(c.roots.length > 0 ? ["  x509-roots:", ...c.roots.map((r) => `    - ${r}`)] : []),
    "statements:",
    "  - id: release",
    "    file: release.cose",
  ].join("\n");
  await Deno.writeTextFile(`${dir}/playbook.yaml`, `${playbook}\n`);
  const out = `${dir}/out-${crypto.randomUUID()}`;
  const run = await cli("run", `${dir}/playbook.yaml`, "-q", "--no-sign", "--out", out);
  assert.equal(run.stderr.length, 0, `${c.name}: ${run.stderr.join("\n")}`);
  const report = JSON.parse(await Deno.readTextFile(`${out}/report.json`));
  assert.equal(run.exit, report.verdict === "pass" ? 0 : 1, run.stdout.join("\n"));
  const prefix = "statement.release.";
  // The playbook adds checks of its own (the issue time, expectations); the pipeline's are the rest.
  const own = new Set([`${prefix}issued-at`]);
  const checks = report.findings.filter((f: { id: string }) => f.id.startsWith(prefix) && !own.has(f.id));
  const failed = checks.find((f: { status: string }) => f.status === "fail");
  return {
    valid: report.verdict === "pass",
    code: failed?.code ?? null,
    checks: checks.map((f: never) => shape(f, prefix)),
  };
}

Deno.test("verify and run decide alike on the same statement, keys, signers, roots and time", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await evidence(dir);
    const seen: string[] = [];
    for (const c of CASES) {
      const verify = await byVerify(dir, c);
      const run = await byRun(dir, c);
      assert.deepEqual({ case: c.name, ...run }, { case: c.name, ...verify });
      const receipt = verify.checks.find((x) => x.id === "receipt.1" && x.status !== "pass");
      const note = receipt ? ` (receipt.1 ${receipt.status})` : "";
      seen.push(`${c.name}: ${verify.valid ? "valid" : verify.code}${note}`);
    }
    assert.deepEqual(seen, [
      "the accepted signer: valid",
      "a signer pattern: valid",
      "another signer: SIGNER_NOT_ACCEPTED",
      "the right root: valid",
      "another root: X509_CHAIN_INVALID",
      "the right root, long after: X509_CHAIN_INVALID",
      "a receipt the policy tolerates: valid (receipt.1 warn)",
      "a receipt the policy needs: RECEIPT_KEY_NOT_FOUND (receipt.1 fail)",
    ]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
