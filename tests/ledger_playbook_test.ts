/**
 * The `ledger:` evidence kind in playbooks: a run requires the ledger's integrity, the watch list and that the
 * playbook's statements' receipts agree with the ledger, and the report gains the ledger's section.
 */

import { deepStrictEqual, match, strictEqual } from "node:assert/strict";
import { join, resolve } from "node:path";
import { cli } from "./_cli.ts";
import { addEntries, newLedger, writeLedger } from "./_ledger.ts";

const RELEASE = resolve("fixtures/mst/statements/release-1.0.cose");
const KEYS = resolve("fixtures/mst/keys/ledger.contoso.example.jwks.json");

async function playbookFolder(entries: number): Promise<{ dir: string; chunks: string[] }> {
  const ledger = await newLedger(`playbook-${entries}`);
  await addEntries(ledger, entries);
  const dir = await Deno.makeTempDir({ prefix: "scitt-audit-ledger-playbook-" });
  await Deno.mkdir(join(dir, "ledger"));
  await writeLedger(ledger.files, join(dir, "ledger"));
  Deno.copyFileSync(RELEASE, join(dir, "release.cose"));
  Deno.copyFileSync(KEYS, join(dir, "keys.json"));
  return { dir, chunks: ledger.files.map((f) => `ledger/${f.name}`) };
}

function playbook(chunks: readonly string[], extra: string): string {
  return `playbook: 1
name: Ledger audit
at: 2026-11-01T00:00:00Z
trust:
  transparency:
    - issuer: ledger.contoso.example
      keys: keys.json
  signers: ["did:x509:0:sha256:abTSBNGDIuygAa3IU27s5OY0LXo6uaTRMHRRP6QlSQU::eku:1.3.6.1.5.5.7.3.36"]
ledger:
  - id: mst
    files: [${chunks.join(", ")}]
${extra}`;
}

Deno.test("a playbook's ledger section passes on a good ledger and reports its range, identities and events", async () => {
  const { dir, chunks } = await playbookFolder(3);
  const file = join(dir, "audit.yaml");
  Deno.writeTextFileSync(
    file,
    playbook(chunks, "    expect-issuers: ['did:x509:0:sha256:*']\n    working-hours: Mon-Fri 08:00-18:00 UTC\n"),
  );
  const { exit, stdout } = await cli("run", file, "--json");
  strictEqual(exit, 0);
  const report = JSON.parse(stdout.join("\n"));
  const ledger = report.findings.filter((f: { kind: string }) => f.kind === "ledger");
  deepStrictEqual(ledger.map((f: { id: string; status: string }) => [f.id, f.status]), [
    ["ledger.mst.integrity", "pass"],
    ["ledger.mst.identities", "pass"],
    ["ledger.mst.governance", "pass"],
    ["ledger.mst.entries", "pass"],
  ]);
  strictEqual(ledger[0].message, "seqnos 1–8 (8 transactions, 3 signatures) verify at level full; last signed 2.8");
  strictEqual(ledger[0].details.lastSignedTxid, "2.8");
  strictEqual(ledger[3].message, "3 signing event(s) from 1 issuer(s)");
  strictEqual(report.inputs.filter((i: { role: string }) => i.role === "ledger").length, 2);
});

Deno.test("a playbook fails when the watch list rejects an issuer or a statement's receipt is split view", async () => {
  const { dir, chunks } = await playbookFolder(40);
  const file = join(dir, "audit.yaml");
  Deno.writeTextFileSync(
    file,
    `${playbook(chunks, "    expect-issuers: ['did:web:*']\n    statements: [release]\n")}statements:
  - id: release
    file: release.cose
`,
  );
  const { exit, stdout } = await cli("run", file, "--json");
  strictEqual(exit, 1);
  const report = JSON.parse(stdout.join("\n"));
  const failed = report.findings.filter((f: { kind: string; status: string }) =>
    f.kind === "ledger" && f.status === "fail"
  );
  const codes = new Set(failed.map((f: { code?: string }) => f.code));
  deepStrictEqual([...codes].sort(), ["LEDGER_ENTRY_UNKNOWN_ISSUER", "LEDGER_SPLIT_VIEW"]);
  match(failed[0].message, /^The ledger does not verify at level full: /);
});

Deno.test("a playbook ledger file that is not a chunk name is refused at its line", async () => {
  const { dir } = await playbookFolder(1);
  Deno.writeTextFileSync(join(dir, "notes.txt"), "x");
  const file = join(dir, "audit.yaml");
  Deno.writeTextFileSync(file, playbook(["notes.txt"], ""));
  const { exit, stderr } = await cli("run", file);
  strictEqual(exit, 3);
  match(stderr[0]!, /audit\.yaml:11:13: .*'notes\.txt' is not a ledger chunk name/);
});
