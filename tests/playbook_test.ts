/**
 * Playbooks: every loader error class with its exact message and position, the JSON Schema shipped beside the
 * loader, determinism, and the demo audit end to end through the command line.
 *
 * @module
 */

import { fileURLToPath } from "node:url";
import { fromUtf8, utf8 } from "../core/bytes.ts";
import { AuditError } from "../core/errors.ts";
import { loadPlaybook, PlaybookError, playbookJsonSchema } from "../core/playbook/mod.ts";
import { encodeReport } from "../core/report/report_json.ts";
import { runAudit } from "../cli/audit.ts";
import { memoryIo } from "../cli/io.ts";
import { runCli } from "../cli/main.ts";
import { assertEquals } from "./_assert.ts";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
const DEMO = `${ROOT}fixtures/demo/demo.yaml`;
const FAILING = `${ROOT}fixtures/demo/demo-failing.yaml`;

const BASE = [
  "playbook: 1",
  "name: t",
  "trust:",
  "  transparency:",
  "    - issuer: ledger.contoso.example",
  "      keys: keys.json",
  "  signers:",
  "    - did:x509:0:sha256:abTSBNGDIuygAa3IU27s5OY0LXo6uaTRMHRRP6QlSQU::eku:1.3.6.1.5.5.7.3.36",
  "statements:",
  "  - id: release",
  "    file: release.cose",
  "    expect: { subject: contoso-ledger }",
  "measurements:",
  "  - name: m",
  "    value: statement.release.payload | json name",
  '    equals: literal "contoso-ledger"',
];

/** BASE with 1-based lines replaced (a string) or removed (null), and lines inserted after (`+n`). */
function variant(edits: Record<string, string | null>): string {
  const out: string[] = [];
  BASE.forEach((line, i) => {
    const n = String(i + 1);
    if (!(n in edits)) out.push(line);
    else if (edits[n] !== null) out.push(edits[n]!);
    if (`+${n}` in edits) out.push(edits[`+${n}`]!);
  });
  return out.join("\n") + "\n";
}

const EXISTING = new Set(["keys.json", "release.cose"]);

async function loadError(text: string | Uint8Array): Promise<PlaybookError> {
  try {
    await loadPlaybook(typeof text === "string" ? utf8(text) : text, {
      file: "t.yaml",
      exists: (path) => EXISTING.has(path),
    });
  } catch (error) {
    if (error instanceof PlaybookError) return error;
    throw error;
  }
  throw new Error("Expected a PlaybookError");
}

async function assertLoadError(text: string | Uint8Array, code: string, message: string, line: number, column: number) {
  const error = await loadError(text);
  assertEquals(error.message, message, "message");
  assertEquals([error.code, error.line, error.column], [code, line, column], "code and position");
}

Deno.test("loadPlaybook() accepts the base playbook and records its files in order", async () => {
  const playbook = await loadPlaybook(utf8(variant({})), { file: "t.yaml", exists: (p) => EXISTING.has(p) });
  assertEquals(playbook.files.map((f) => [f.path, f.role, f.at]), [
    ["keys.json", "keys", "t.yaml:6:13"],
    ["release.cose", "statement", "t.yaml:11:11"],
  ]);
  assertEquals(playbook.trust.authorizedReceiptBehavior, "VerifyAllMatching");
});

Deno.test("loadPlaybook() names an unknown key with its position and the keys expected there", async () => {
  await assertLoadError(
    variant({ "12": "    expect: { sbject: contoso-ledger }" }),
    "PLAYBOOK_INVALID",
    "t.yaml:12:15: unknown key 'sbject' in statements[0].expect (expected one of subject, issuer, min-svn, content-type, issued-after, issued-before, receipt-issuers)",
    12,
    15,
  );
  await assertLoadError(
    variant({ "+2": "nam: x" }),
    "PLAYBOOK_INVALID",
    "t.yaml:3:1: unknown key 'nam' in the playbook (expected one of playbook, name, at, trust, statements, artifacts, attestations, ledger, measurements, sigstore, provenance, report)",
    3,
    1,
  );
});

Deno.test("loadPlaybook() rejects a value of the wrong type, saying what was expected", async () => {
  await assertLoadError(
    variant({ "12": "    expect: { min-svn: three }" }),
    "PLAYBOOK_INVALID",
    "t.yaml:12:24: wrong type for statements[0].expect.min-svn: expected an integer, found a string ('three')",
    12,
    24,
  );
  await assertLoadError(
    variant({ "7": "  signers: did:x509:0:sha256:x::eku:1", "8": null }),
    "PLAYBOOK_INVALID",
    "t.yaml:7:12: wrong type for trust.signers: expected a list of strings, found a string ('did:x509:0:sha256:x::eku:1')",
    7,
    12,
  );
  await assertLoadError(
    "- a\n- b\n",
    "PLAYBOOK_INVALID",
    "t.yaml:1:1: wrong type for the playbook: expected a mapping, found a list",
    1,
    1,
  );
});

Deno.test("loadPlaybook() rejects a value outside its allowed set", async () => {
  await assertLoadError(
    variant({ "+6": "  receipts: { unauthorized-receipt-behavior: Ignore }" }),
    "PLAYBOOK_INVALID",
    "t.yaml:7:46: invalid value for trust.receipts.unauthorized-receipt-behavior: expected one of VerifyAll, IgnoreAll, FailIfPresent, found 'Ignore'",
    7,
    46,
  );
  await assertLoadError(
    variant({ "1": "playbook: 2" }),
    "PLAYBOOK_INVALID",
    "t.yaml:1:11: invalid value for playbook: expected 1, found 2",
    1,
    11,
  );
});

Deno.test("loadPlaybook() names a missing required key and the mapping that lacks it", async () => {
  await assertLoadError(
    variant({ "11": null }),
    "PLAYBOOK_INVALID",
    "t.yaml:10:5: missing required key 'file' in statements[0]",
    10,
    5,
  );
  await assertLoadError(
    variant({ "2": null }),
    "PLAYBOOK_INVALID",
    "t.yaml:1:1: missing required key 'name' in the playbook",
    1,
    1,
  );
});

Deno.test("loadPlaybook() refuses YAML aliases, anchors and tags", async () => {
  await assertLoadError(
    variant({ "2": "name: &n t", "14": "  - name: *n" }),
    "PLAYBOOK_INVALID",
    "t.yaml:14:11: YAML aliases are not allowed (found '*n')",
    14,
    11,
  );
  await assertLoadError(
    variant({ "2": "name: &n t" }),
    "PLAYBOOK_INVALID",
    "t.yaml:2:7: YAML anchors are not allowed (found '&n')",
    2,
    7,
  );
  await assertLoadError(
    variant({ "2": "name: !!binary dA==" }),
    "PLAYBOOK_INVALID",
    "t.yaml:2:7: YAML tags are not allowed (found '!!binary')",
    2,
    7,
  );
});

Deno.test("loadPlaybook() refuses a duplicate key, naming where it first appeared", async () => {
  await assertLoadError(
    variant({ "+2": "name: u" }),
    "PLAYBOOK_INVALID",
    "t.yaml:3:1: duplicate key 'name' in the playbook (first at line 2, column 1)",
    3,
    1,
  );
  await assertLoadError(
    variant({ "12": "    expect: { subject: a, subject: b }" }),
    "PLAYBOOK_INVALID",
    "t.yaml:12:27: duplicate key 'subject' in statements[0].expect (first at line 12, column 15)",
    12,
    27,
  );
});

Deno.test("loadPlaybook() refuses a duplicate statement id", async () => {
  await assertLoadError(
    variant({ "+12": "  - id: release\n    file: release.cose" }),
    "PLAYBOOK_INVALID",
    "t.yaml:13:9: duplicate statement id 'release' (first at line 10, column 9)",
    13,
    9,
  );
});

Deno.test("loadPlaybook() refuses an oversized playbook, deep nesting and invalid YAML", async () => {
  const big = new Uint8Array(1024 * 1024 + 1).fill(0x20);
  await assertLoadError(
    big,
    "PLAYBOOK_INVALID",
    "t.yaml:1:1: playbook is 1048577 bytes, more than the limit of 1048576",
    1,
    1,
  );
  await assertLoadError(
    `name: ${"[".repeat(40)}${"]".repeat(40)}\n`,
    "PLAYBOOK_INVALID",
    "t.yaml:1:38: nesting is deeper than 32 levels",
    1,
    38,
  );
  await assertLoadError(
    "playbook: 1\nname: [unclosed\n",
    "PLAYBOOK_INVALID",
    "t.yaml:3:1: invalid YAML: Flow sequence in block collection must be sufficiently indented and end with a ]",
    3,
    1,
  );
});

Deno.test("loadPlaybook() names an evidence file that does not exist (PLAYBOOK_FILE_MISSING)", async () => {
  await assertLoadError(
    variant({ "11": "    file: relase.cose" }),
    "PLAYBOOK_FILE_MISSING",
    "t.yaml:11:11: file 'relase.cose' named by statements[0].file not found",
    11,
    11,
  );
});

Deno.test("loadPlaybook() names a reference to an id or field that does not exist", async () => {
  await assertLoadError(
    variant({ "15": "    value: statement.relase.payload | json name" }),
    "PLAYBOOK_REFERENCE",
    "t.yaml:15:12: unknown statement id 'relase' in 'statement.relase.payload' at measurements[0].value (statement ids: release)",
    15,
    12,
  );
  await assertLoadError(
    variant({ "15": "    value: statement.release.paylod" }),
    "PLAYBOOK_REFERENCE",
    "t.yaml:15:12: unknown field 'paylod' of statement 'release' at measurements[0].value (expected one of cose, payload, digest, subject, issuer, svn, iat, content-type, payload-location)",
    15,
    12,
  );
  await assertLoadError(
    variant({ "15": "    value: release.payload" }),
    "PLAYBOOK_REFERENCE",
    "t.yaml:15:12: cannot read reference 'release.payload' at measurements[0].value: expected statement.<id>.<field>, artifact.<id>.<field>, attestation.<id>.<field>, ledger.<id>.<field>, sigstore.<id>.<field>, literal <JSON value>, hex:<hex>",
    15,
    12,
  );
});

Deno.test("loadPlaybook() names a pipe that does not exist or cannot apply", async () => {
  await assertLoadError(
    variant({ "15": "    value: statement.release.payload | sha1" }),
    "PLAYBOOK_REFERENCE",
    "t.yaml:15:12: unknown pipe 'sha1' at measurements[0].value (expected one of json, base64, base64url, hex, utf8, sha256, sha384, sha512, strip-prefix)",
    15,
    12,
  );
  await assertLoadError(
    variant({ "15": "    value: statement.release.svn | base64" }),
    "PLAYBOOK_REFERENCE",
    "t.yaml:15:12: pipe 'base64' cannot apply to number at measurements[0].value (it takes text)",
    15,
    12,
  );
  await assertLoadError(
    variant({ "15": "    value: statement.release.payload | json" }),
    "PLAYBOOK_REFERENCE",
    "t.yaml:15:12: pipe 'json' at measurements[0].value needs an argument: json <path>",
    15,
    12,
  );
  await assertLoadError(
    variant({ "15": "    value: statement.release.payload | sha256" }),
    "PLAYBOOK_REFERENCE",
    "t.yaml:16:13: measurements[0] compares bytes with text: add a pipe such as 'hex', 'utf8' or 'json <path>' so both sides have one type",
    16,
    13,
  );
});

Deno.test("loadPlaybook() refuses an 'at' that is not an ISO-8601 UTC time", async () => {
  await assertLoadError(
    variant({ "+2": "at: 2026-13-01T00:00:00Z" }),
    "PLAYBOOK_INVALID",
    "t.yaml:3:5: invalid value for at: expected an ISO-8601 UTC time such as 2026-11-01T00:00:00Z, found '2026-13-01T00:00:00Z'",
    3,
    5,
  );
  await assertLoadError(
    variant({ "+2": "at: 2026-11-01T00:00:00+01:00" }),
    "PLAYBOOK_INVALID",
    "t.yaml:3:5: invalid value for at: expected an ISO-8601 UTC time such as 2026-11-01T00:00:00Z, found '2026-11-01T00:00:00+01:00'",
    3,
    5,
  );
});

Deno.test("core/playbook/playbook.schema.json is exactly the schema the loader enforces", async () => {
  const shipped = await Deno.readTextFile(`${ROOT}core/playbook/playbook.schema.json`);
  const expected = JSON.stringify(playbookJsonSchema(), null, 2) + "\n";
  if (shipped !== expected) {
    throw new Error(
      'core/playbook/playbook.schema.json is stale; regenerate it with: deno eval \'import { playbookJsonSchema } from "./core/playbook/schema.ts"; Deno.writeTextFileSync("core/playbook/playbook.schema.json", JSON.stringify(playbookJsonSchema(), null, 2) + "\\n")\'',
    );
  }
});

Deno.test("runAudit() gives byte-identical canonical reports for the same inputs and time", async () => {
  const first = encodeReport(await runAudit(DEMO, {}));
  const second = encodeReport(await runAudit(DEMO, {}));
  assertEquals(fromUtf8(first) === fromUtf8(second), true, "identical report.json");
  const later = await runAudit(DEMO, { at: new Date(Date.UTC(2027, 0, 1)) });
  assertEquals(later.evaluatedAt, "2027-01-01T00:00:00Z");
});

Deno.test("runAudit() reports the demo's inputs, digests and findings", async () => {
  const report = await runAudit(DEMO, {});
  assertEquals(report.verdict, "pass");
  assertEquals(report.evaluatedAt, "2026-11-01T00:00:00Z");
  assertEquals(report.playbook.path, "demo.yaml");
  assertEquals(report.inputs.map((i) => [i.path, i.role]), [
    ["demo.yaml", "playbook"],
    ["../mst/keys/ledger.contoso.example.jwks.json", "keys"],
    ["../mst/keys/ledger.fabrikam.example.jwks.json", "keys"],
    ["test-root-ca.pem", "x509-root"],
    ["../mst/statements/release-1.2.cose", "statement"],
    ["../mst/statements/app.tar.cose", "statement"],
    ["../mst/artifacts/app.tar", "artifact"],
  ]);
  const receipt = report.findings.find((f) => f.id === "statement.release.receipt.1")!;
  assertEquals(receipt.details?.["registeredTxid"], "5.28");
  assertEquals(receipt.details?.["entryUrl"], "https://ledger.fabrikam.example/entries/5.28");
  const expected = JSON.parse(await Deno.readTextFile(`${ROOT}fixtures/mst/expected.json`));
  const release = expected.statements["statements/release-1.2.cose"];
  assertEquals(
    report.findings.find((f) => f.id === "statement.release.signature")!.details?.["digest"],
    release.digest,
  );
  const policy = report.findings.find((f) => f.id === "measurement.0")!;
  assertEquals(policy.details?.["value"], {
    ref: "statement.release.payload | json security-policy-base64 | base64 | sha256",
    value: release.securityPolicySha256,
  });
});

Deno.test("scitt-audit run passes the demo and writes every output", async () => {
  const out = await Deno.makeTempDir();
  try {
    const io = memoryIo();
    assertEquals(await runCli(["run", DEMO, "--out", out, "-q"], io), 0, "exit status");
    const files = [];
    for await (const entry of Deno.readDir(out)) files.push(entry.name);
    assertEquals(files.sort(), ["junit.xml", "report.cose", "report.html", "report.json"]);
    assertEquals(io.stdout.at(-1), `Reports written to ${out}: report.json, report.cose, report.html, junit.xml`);
    const verify = memoryIo();
    const key = `${ROOT}fixtures/demo/auditor.test-key.pub.pem`;
    assertEquals(await runCli(["report", "verify", `${out}/report.cose`, "--key", key], verify), 0, "report verify");
    const json = await Deno.readFile(`${out}/report.json`);
    assertEquals(fromUtf8(json), fromUtf8(encodeReport(await runAudit(DEMO, {}))), "report.json");
  } finally {
    await Deno.remove(out, { recursive: true });
  }
});

Deno.test("scitt-audit run exits 1 on the failing demo and names the failed check", async () => {
  const io = memoryIo();
  assertEquals(await runCli(["run", FAILING, "-q"], io), 1, "exit status");
  assertEquals(io.stdout, [
    "FAIL  measurement.4  release 1.2.0 runs the security policy registered for release 1.1.0: statement.release.payload | json security-policy-base64 | base64 | sha256 does not equal statement.previous.payload | json security-policy-base64 | base64 | sha256",
    "FAIL  Contoso ledger 1.2.0 release audit: 40 passed, 1 failed, 0 warnings, 0 skipped (evaluated at 2026-11-01T00:00:00Z)",
    "Failed checks: measurement.4",
  ]);
});

Deno.test("scitt-audit run exits 3 for a malformed playbook and 4 for a missing evidence file", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/bad.yaml`, variant({ "12": "    expect: { sbject: x }" }));
    await Deno.writeTextFile(`${dir}/keys.json`, "{}");
    await Deno.writeTextFile(`${dir}/release.cose`, "");
    const bad = memoryIo();
    assertEquals(await runCli(["run", `${dir}/bad.yaml`], bad), 3, "malformed");
    assertEquals(bad.stderr[0]?.startsWith("scitt-audit: bad.yaml:12:15: unknown key 'sbject'"), true, bad.stderr[0]);
    await Deno.writeTextFile(`${dir}/missing.yaml`, variant({ "11": "    file: gone.cose" }));
    const missing = memoryIo();
    assertEquals(await runCli(["run", `${dir}/missing.yaml`], missing), 4, "missing");
    assertEquals(missing.stderr, [
      "scitt-audit: missing.yaml:11:11: file 'gone.cose' named by statements[0].file not found",
    ]);
    assertEquals(await runCli(["run", `${dir}/bad.yaml`, "--at", "yesterday"], memoryIo()), 2, "usage");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a pipe that cannot apply to the evidence fails its check, naming the playbook line", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const text = (await Deno.readTextFile(DEMO)).replace("| json name", "| json nme");
    await Deno.writeTextFile(
      `${dir}/demo.yaml`,
      text.replaceAll("../mst/", `${ROOT}fixtures/mst/`).replace(
        "test-root-ca.pem",
        `${ROOT}fixtures/demo/test-root-ca.pem`,
      ).replace("signing-key: auditor.test-key.pem", `signing-key: ${ROOT}fixtures/demo/auditor.test-key.pem`),
    );
    const report = await runAudit(`${dir}/demo.yaml`, {});
    const failed = report.findings.filter((f) => f.status === "fail");
    const line = text.split("\n").findIndex((l) => l.includes("| json nme")) + 1;
    assertEquals(failed.map((f) => [f.id, f.code, f.message]), [[
      "measurement.3",
      "PLAYBOOK_REFERENCE",
      `demo.yaml:${line}:12: cannot apply 'json nme' in 'statement.release.payload | json nme': no member 'nme' in the JSON value`,
    ]]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("loadPlaybook() errors are AuditErrors with a code the command line maps", async () => {
  const error = await loadError(variant({ "2": "name: [" }));
  assertEquals(error instanceof AuditError, true);
});
