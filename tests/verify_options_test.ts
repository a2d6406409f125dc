/**
 * The options auditors expect on `verify` (issue 13): signer pinning (--signer, --certificate-identity,
 * --certificate-identity-regexp), --at with --strict, --payload for hash envelopes, --json-lines, paths as given
 * in bulk output, `help <command>`; and `run` showing the values a failed measurement compared without -v.
 */

import * as assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { cli } from "./_cli.ts";

const REPO = fileURLToPath(new URL("..", import.meta.url));
const MST = `${REPO}fixtures/mst`;
const RELEASE = `${MST}/statements/release-1.2.cose`;
const APP = `${MST}/statements/app.tar.cose`;
const KEYS = [
  "--keys",
  `ledger.contoso.example=${MST}/keys/ledger.contoso.example.jwks.json`,
  "--keys",
  `ledger.fabrikam.example=${MST}/keys/ledger.fabrikam.example.jwks.json`,
];
const ISSUER = "did:x509:0:sha256:abTSBNGDIuygAa3IU27s5OY0LXo6uaTRMHRRP6QlSQU::eku:1.3.6.1.5.5.7.3.36";
const SUBJECT = "CN=scitt-audit Test Release Signer (DO NOT TRUST),O=scitt-audit test fixtures";

Deno.test("verify --signer accepts the issuer exactly or by a * pattern, and refuses another (exit 1)", async () => {
  assert.equal((await cli("verify", RELEASE, ...KEYS, "-q", "--signer", ISSUER)).exit, 0);
  assert.equal((await cli("verify", RELEASE, ...KEYS, "-q", "--signer", "did:x509:0:sha256:abTSBNGD*")).exit, 0);
  const other = await cli("verify", RELEASE, ...KEYS, "-q", "--signer", "did:x509:0:sha256:other::eku:1");
  assert.equal(other.exit, 1);
  assert.deepEqual(other.stdout, [
    `invalid  release-1.2.cose  Issuer '${ISSUER}' is not an accepted signer (accepted: did:x509:0:sha256:other::eku:1)`,
  ]);
});

Deno.test("verify --certificate-identity and --certificate-identity-regexp match the leaf's subject, SAN or EKU", async () => {
  for (
    const args of [
      ["--certificate-identity", SUBJECT],
      ["--certificate-identity", `subject:${SUBJECT}`],
      ["--certificate-identity", "eku:1.3.6.1.5.5.7.3.36"],
      ["--certificate-identity-regexp", "^CN=scitt-audit Test Release Signer"],
    ]
  ) assert.equal((await cli("verify", RELEASE, ...KEYS, "-q", ...args)).exit, 0, args.join(" "));
  const wrong = await cli("verify", RELEASE, ...KEYS, "-q", "--certificate-identity", "release@contoso.example");
  assert.equal(wrong.exit, 1);
  assert.deepEqual(wrong.stdout, [
    `invalid  release-1.2.cose  The signing certificate has none of the accepted identities (it has subject:${SUBJECT}, eku:1.3.6.1.5.5.7.3.36)`,
  ]);
  const regexp = await cli("verify", RELEASE, ...KEYS, "-q", "--certificate-identity-regexp", "^CN=Other");
  assert.equal(regexp.exit, 1);
  const bad = await cli("verify", RELEASE, ...KEYS, "--certificate-identity-regexp", "(");
  assert.deepEqual([bad.exit, bad.stderr], [2, [
    "scitt-audit: --certificate-identity-regexp: '(' is not a regular expression",
  ]]);
});

Deno.test("verify --at reports the leaf's validity: a warning by default, invalid under --strict", async () => {
  const within = await cli("verify", RELEASE, ...KEYS, "--at", "2026-11-01T00:00:00Z");
  assert.equal(within.exit, 0);
  assert.ok(!within.stdout.some((l) => l.includes("warning")), within.stdout.join("\n"));
  const late = await cli("verify", RELEASE, ...KEYS, "--at", "2099-01-01T00:00:00Z");
  assert.equal(late.exit, 0);
  assert.ok(
    late.stdout.includes(
      "  warning: The signing certificate expired at 2027-06-01T00:00:00Z (evaluated at 2099-01-01T00:00:00Z)",
    ),
    late.stdout.join("\n"),
  );
  const strict = await cli("verify", RELEASE, ...KEYS, "-q", "--at", "2099-01-01T00:00:00Z", "--strict");
  assert.deepEqual([strict.exit, strict.stdout], [1, [
    "invalid  release-1.2.cose  The signing certificate expired at 2027-06-01T00:00:00Z (evaluated at 2099-01-01T00:00:00Z)",
  ]]);
  const json = JSON.parse(
    (await cli("verify", RELEASE, ...KEYS, "--json", "--at", "2099-01-01T00:00:00Z", "--strict")).stdout[0]!,
  );
  assert.equal(json.statements[0].error.code, "CERTIFICATE_NOT_VALID");
  assert.equal((await cli("verify", RELEASE, ...KEYS, "--strict")).exit, 2);
  assert.equal((await cli("verify", RELEASE, ...KEYS, "--at", "yesterday")).exit, 2);
});

Deno.test("verify --payload checks the artifact a hash envelope registers", async () => {
  assert.equal((await cli("verify", APP, ...KEYS, "-q", "--payload", `${MST}/artifacts/app.tar`)).exit, 0);
  const wrong = await cli("verify", APP, ...KEYS, "-q", "--payload", RELEASE);
  assert.equal(wrong.exit, 1);
  assert.equal(wrong.stdout.length, 1);
  assert.match(
    wrong.stdout[0]!,
    /^invalid {2}app\.tar\.cose {2}The SHA-256 of the given payload is [0-9a-f]{64}; the statement registers [0-9a-f]{64}$/,
  );
  const two = await cli("verify", APP, RELEASE, ...KEYS, "--payload", RELEASE);
  assert.deepEqual([two.exit, two.stderr], [2, ["scitt-audit: verify: --payload needs exactly one statement"]]);
  const missing = await cli("verify", APP, ...KEYS, "--payload", `${MST}/artifacts/absent.tar`);
  assert.equal(missing.exit, 4);
});

Deno.test("verify --json-lines: one object per statement with its path as given, then a summary", async () => {
  const relative = "fixtures/mst/statements/app.tar.cose";
  const run = await cli("verify", RELEASE, relative, `${MST}/statements/absent.cose`, ...KEYS, "--json-lines");
  assert.equal(run.exit, 4);
  assert.equal(run.stdout.length, 4);
  const lines = run.stdout.map((l) => JSON.parse(l));
  assert.deepEqual(lines.slice(0, 3).map((l) => [l.file, l.valid]), [
    [RELEASE, true],
    [relative, true],
    [`${MST}/statements/absent.cose`, false],
  ]);
  assert.deepEqual(lines[3].summary, { statements: 3, valid: 2, invalid: 1, exit: 4 });
  assert.deepEqual(lines[3].policy.authorizedDomains, ["ledger.contoso.example", "ledger.fabrikam.example"]);
  const both = await cli("verify", RELEASE, ...KEYS, "--json", "--json-lines");
  assert.equal(both.exit, 2);
});

Deno.test("bulk human output names statements by their paths as given", async () => {
  const relative = "fixtures/mst/statements/app.tar.cose";
  const run = await cli("verify", RELEASE, relative, ...KEYS);
  assert.equal(run.exit, 0);
  assert.ok(run.stdout.includes(`valid    ${RELEASE}  contoso-ledger svn 3`), run.stdout.join("\n"));
  assert.ok(run.stdout.some((l) => l.startsWith(`valid    ${relative}  `)), run.stdout.join("\n"));
});

Deno.test("help <command> is <command> --help, and verify --help lists the new options", async () => {
  const help = await cli("help", "verify");
  assert.equal(help.exit, 0);
  assert.deepEqual(help.stdout, (await cli("verify", "--help")).stdout);
  for (
    const option of [
      "--signer DID",
      "--certificate-identity ID",
      "--certificate-identity-regexp RE",
      "--at TIME",
      "--strict",
      "--payload FILE",
      "--x509-roots FILE",
      "--receipt FILE",
      "--json-lines",
    ]
  ) assert.ok(help.stdout[0]!.includes(option), option);
  const unknown = await cli("help", "frobnicate");
  assert.equal(unknown.exit, 2);
});

Deno.test("run shows the values a failed measurement compared, without -v", async () => {
  const run = await cli("run", `${REPO}fixtures/demo/demo-failing.yaml`);
  assert.equal(run.exit, 1);
  const at = run.stdout.findIndex((l) => l.startsWith("FAIL  measurement.4"));
  assert.ok(at >= 0, run.stdout.join("\n"));
  assert.deepEqual(run.stdout.slice(at + 1, at + 3), [
    "      value : 0a947fc0a6e72e9659bc1c9c3353e51f8c692846f8371554703975d7d74b63be (statement.release.payload | json security-policy-base64 | base64 | sha256)",
    "      equals: 13f1572bfcf8c797fe297c404ca2fc9b903349c2ee6f29cb05a4b1d3e2bc85cc (statement.previous.payload | json security-policy-base64 | base64 | sha256)",
  ]);
});

Deno.test("verify --x509-roots requires the x5chain to end in a given root", async () => {
  assert.equal(
    (await cli("verify", RELEASE, ...KEYS, "-q", "--x509-roots", `${REPO}fixtures/demo/test-root-ca.pem`)).exit,
    0,
  );
  const verbose = await cli("verify", RELEASE, ...KEYS, "-v", "--x509-roots", `${REPO}fixtures/demo/test-root-ca.pem`);
  assert.ok(
    verbose.stdout.includes("  x509-root: pass (The x5chain ends in a trusted root and is valid)"),
    verbose.stdout.join("\n"),
  );
  const other = await cli(
    "verify",
    RELEASE,
    ...KEYS,
    "-q",
    "--x509-roots",
    `${REPO}fixtures/attestation/snp_endorsements.pem`,
  );
  assert.deepEqual([other.exit, other.stdout], [1, [
    "invalid  release-1.2.cose  The x5chain does not end in a trusted X.509 root",
  ]]);
  const notPem = `${MST}/keys/ledger.contoso.example.jwks.json`;
  const bad = await cli("verify", RELEASE, ...KEYS, "--x509-roots", notPem);
  assert.equal(bad.exit, 3);
  assert.equal(bad.stderr.length, 1);
  assert.ok(bad.stderr[0]!.startsWith(`scitt-audit: ${notPem}: Cannot parse certificate`), bad.stderr[0]);
});

Deno.test("verify --receipt verifies detached receipts as if they were in header 394", async () => {
  const statement = `${MST}/statements/release-1.3.signed.cose`;
  const receipt = `${MST}/receipts/release-1.3.receipt.cose`;
  const alone = await cli("verify", statement, ...KEYS, "-q");
  assert.equal(alone.exit, 1, "no receipt of its own");
  const run = await cli("verify", statement, ...KEYS, "--receipt", receipt);
  assert.equal(run.exit, 0, run.stdout.join("\n"));
  assert.ok(run.stdout.includes("valid    release-1.3.signed.cose  contoso-ledger svn 4"), run.stdout.join("\n"));
  assert.ok(
    run.stdout.some((l) => /^ {2}receipt 0 {2}valid {2}ledger\.contoso\.example {2}registered at 2\.54/.test(l)),
  );
  // A receipt of another statement does not verify against this one.
  const other = await cli("verify", RELEASE, ...KEYS, "-q", "--receipt", receipt);
  assert.equal(other.exit, 1);
  assert.ok(other.stdout.some((l) => l.includes("receipt 2  invalid") && l.includes("Claim digest mismatch")));
  const notCose = await cli("verify", statement, ...KEYS, "--receipt", `${MST}/keys/ledger.contoso.example.jwks.json`);
  assert.equal(notCose.exit, 3);
  const two = await cli("verify", statement, RELEASE, ...KEYS, "--receipt", receipt);
  assert.deepEqual([two.exit, two.stderr], [2, ["scitt-audit: verify: --receipt needs exactly one statement"]]);
});

Deno.test("verify --payload supplies a detached payload: the statement's signature is verified over it", async () => {
  const { issueTestCa } = await import("../fixtures/_gen/test_ca.ts");
  const { statementHeader } = await import("../fixtures/_gen/statement.ts");
  const { encodeCoseSign1, signCoseSign1 } = await import("../fixtures/_gen/cose_sign1.ts");
  const ca = await issueTestCa();
  const payload = new TextEncoder().encode('{"image-digest":"sha256:00"}');
  const spec = { subject: "detached", iat: 1772442000, iatTagged: false, svn: 1, payload };
  const parts = await signCoseSign1(ca.leaf.key, {
    protectedHeader: await statementHeader(ca, spec),
    payload: null,
    detachedPayload: payload,
  });
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeFile(`${dir}/detached.cose`, encodeCoseSign1(parts));
    await Deno.writeFile(`${dir}/payload.json`, payload);
    await Deno.writeFile(`${dir}/other.json`, new TextEncoder().encode("{}"));
    const signature = async (...extra: string[]) => {
      const run = await cli("verify", `${dir}/detached.cose`, ...KEYS, "--json", ...extra);
      return JSON.parse(run.stdout[0]!).statements[0].signature;
    };
    assert.deepEqual(await signature("--payload", `${dir}/payload.json`), { signer: SUBJECT, valid: true });
    assert.equal((await signature("--payload", `${dir}/other.json`)).valid, false);
    assert.equal((await signature()).error.code, "COSE_DETACHED_PAYLOAD_MISSING");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
