/**
 * Reports: canonical JSON (RFC 8785 examples), the auditor key, signing and verifying `report.cose` (every
 * single-byte change rejected), the HTML page (no external reference, failing checks first) and JUnit XML.
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { bstrHeader } from "../core/cbor.ts";
import { concat, fromUtf8, toHex, utf8 } from "../core/bytes.ts";
import { decodeCoseSign1, sigStructure } from "../core/cose/sign1.ts";
import { AuditError } from "../core/errors.ts";
import { canonicalJson } from "../core/report/canonical_json.ts";
import { renderHtml } from "../core/report/html.ts";
import { renderJunit } from "../core/report/junit.ts";
import { type AuditReport, type Finding, REPORT_CONTENT_TYPE, summarize } from "../core/report/model.ts";
import { decodeReport, encodeReport } from "../core/report/report_json.ts";
import { signReport, verifySignedReport } from "../core/report/sign.ts";
import {
  type AuditorKey,
  generateAuditorKey,
  importAuditorKey,
  importAuditorPublicKey,
  REPORT_ALGORITHMS,
} from "../core/report/signing_key.ts";
import { computeKid } from "../core/receipts/trust_store.ts";
import { runAudit } from "../cli/audit.ts";
import { runCli } from "../cli/main.ts";
import { memoryIo } from "../cli/io.ts";
import { writeReports } from "../cli/report_output.ts";

function makeReport(findings: readonly Finding[], subject = "contoso/app"): AuditReport {
  return {
    format: "scitt-audit-report/1",
    tool: { name: "scitt-audit", version: "0.1.0" },
    title: "Release audit",
    subject,
    playbook: { name: "release", path: "release.yaml", sha256: "ab".repeat(32) },
    evaluatedAt: "2026-01-01T00:00:00.000Z",
    inputs: [{ path: "statements/release.cose", role: "statement", sha256: "cd".repeat(32), size: 1234 }],
    findings,
    ...summarize(findings),
  };
}

const SMALL_FINDINGS: Finding[] = [
  { id: "statement.release.signature", status: "pass", kind: "statement", subject: "release", message: "ok" },
  { id: "artifact.app", status: "fail", kind: "artifact", subject: "app.tar", message: "digest differs" },
];

const CLAIMS = { issuer: "auditor.example", subject: "contoso/app", iat: 1767225600 };

async function expectCode(promise: Promise<unknown>, code: string, message?: RegExp): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof AuditError, `expected an AuditError, got ${error}`);
    assert.equal(error.code, code, error.message);
    if (message) assert.match(error.message, message);
    assert.doesNotMatch(error.message, /\n/);
    return true;
  });
}

async function withTempDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "scitt-audit-report-" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

// --- Canonical JSON (RFC 8785) ---------------------------------------------------------------------------

Deno.test("canonicalJson() reproduces the RFC 8785 §3.2.2 sample", () => {
  const input = JSON.parse(
    `{"numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],
      "string": "\\u20ac$\\u000F\\u000aA'\\u0042\\u0022\\u005c\\\\\\"\\/",
      "literals": [null, true, false]}`,
  );
  assert.equal(
    canonicalJson(input),
    `{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],` +
      `"string":"€$\\u000f\\nA'B\\"\\\\\\\\\\"/"}`,
  );
});

Deno.test("canonicalJson() sorts members by UTF-16 code units (RFC 8785 §3.2.3)", () => {
  const input = {
    "\u20ac": "Euro Sign",
    "\r": "Carriage Return",
    "\ufb33": "Hebrew Letter Dalet With Dagesh",
    "1": "One",
    "\ud83d\ude00": "Emoji: Grinning Face",
    "\u0080": "Control",
    "\u00f6": "Latin Small Letter O With Diaeresis",
  };
  // U+1F600 (surrogates D83D DE00) sorts before U+FB33: code units, not code points.
  assert.equal(
    canonicalJson(input),
    '{"\\r":"Carriage Return","1":"One","\u0080":"Control","\u00f6":"Latin Small Letter O With Diaeresis",' +
      '"\u20ac":"Euro Sign","\ud83d\ude00":"Emoji: Grinning Face","\ufb33":"Hebrew Letter Dalet With Dagesh"}',
  );
});

Deno.test("canonicalJson() prints numbers as ECMAScript does (RFC 8785 Appendix B)", () => {
  const cases: [number, string][] = [
    [0, "0"],
    [-0, "0"],
    [5e-324, "5e-324"],
    [-5e-324, "-5e-324"],
    [1.7976931348623157e308, "1.7976931348623157e+308"],
    [9007199254740992, "9007199254740992"],
    [-9007199254740992, "-9007199254740992"],
    [2 ** 68, "295147905179352830000"],
    [1e21, "1e+21"],
    [1e20, "100000000000000000000"],
    [0.000001, "0.000001"],
    [1e-7, "1e-7"],
    [1e23, "1e+23"],
  ];
  for (const [value, text] of cases) assert.equal(canonicalJson(value), text, `${value}`);
});

Deno.test("canonicalJson() escapes only quote, backslash and controls below U+0020", () => {
  assert.equal(
    canonicalJson("\u0000\b\t\n\f\r\u001f \u007f\u2028/é"),
    '"\\u0000\\b\\t\\n\\f\\r\\u001f \u007f\u2028/é"',
  );
  assert.equal(canonicalJson({ b: undefined, a: [] } as never), '{"a":[]}');
});

Deno.test("canonicalJson() rejects what is not I-JSON", () => {
  assert.throws(() => canonicalJson(NaN), RangeError);
  assert.throws(() => canonicalJson([Infinity]), RangeError);
  assert.throws(() => canonicalJson("\ud800x"), /lone surrogate U\+D800/);
  assert.throws(() => canonicalJson({ x: "\udc00" }), RangeError);
  assert.throws(() => canonicalJson(10n as never), TypeError);
  assert.throws(() => canonicalJson([undefined] as never), TypeError);
  assert.throws(() => canonicalJson(new Map() as never), /Map is not a plain object/);
});

Deno.test("encodeReport() is deterministic and decodeReport() reads it back", () => {
  const report = makeReport(SMALL_FINDINGS);
  const bytes = encodeReport(report);
  assert.deepEqual(encodeReport(JSON.parse(fromUtf8(bytes))), bytes);
  assert.deepEqual(decodeReport(bytes), JSON.parse(fromUtf8(bytes)));
});

Deno.test("decodeReport() rejects non-canonical JSON, wrong counts and unknown members", () => {
  const report = makeReport(SMALL_FINDINGS);
  const rejects = (bytes: Uint8Array, message: RegExp) =>
    assert.throws(() => decodeReport(bytes), (e: unknown) => {
      assert.ok(e instanceof AuditError && e.code === "REPORT_MALFORMED");
      assert.match(e.message, message);
      return true;
    });
  rejects(utf8(JSON.stringify(report, null, 2)), /not in canonical form/);
  rejects(encodeReport({ ...report, summary: { ...report.summary, fail: 0 } }), /summary.fail is 0 but 1/);
  rejects(encodeReport({ ...report, verdict: "pass" }), /verdict is "pass" but the findings give "fail"/);
  rejects(encodeReport({ ...report, extra: 1 } as never), /unknown member "extra"/);
  rejects(utf8("{"), /not JSON/);
  rejects(new Uint8Array([0xff]), /not UTF-8/);
});

// --- The auditor key -------------------------------------------------------------------------------------

Deno.test("importAuditorKey() reads PKCS#8 PEM and private JWKs for every algorithm", async () => {
  for (const alg of REPORT_ALGORITHMS) {
    const pair = await generateAuditorKey(alg);
    const fromPem = await importAuditorKey(utf8(pair.privatePem));
    assert.equal(fromPem.alg, alg);
    assert.equal(fromPem.kid, pair.key.kid);
    assert.equal(fromPem.kid, await computeKid(importAuditorPublicKey(utf8(pair.publicPem))));
    const der = decodePemForTest(pair.privatePem);
    const params = alg === "EdDSA"
      ? { name: "Ed25519" }
      : { name: "ECDSA", namedCurve: alg === "ES256" ? "P-256" : "P-384" };
    const jwk = await crypto.subtle.exportKey(
      "jwk",
      await crypto.subtle.importKey("pkcs8", der, params, true, ["sign"]),
    );
    const fromJwk = await importAuditorKey(utf8(JSON.stringify(jwk)));
    assert.equal(fromJwk.kid, pair.key.kid);
    const { d: _d, ...publicJwk } = jwk;
    assert.equal(await computeKid(importAuditorPublicKey(utf8(JSON.stringify(publicJwk)))), pair.key.kid);
  }
});

function decodePemForTest(pem: string): Uint8Array<ArrayBuffer> {
  const body = pem.replace(/-----[^-]+-----/g, "").replace(/\s+/g, "");
  return Uint8Array.from(atob(body), (c) => c.charCodeAt(0));
}

Deno.test("importAuditorKey() rejects a JWK whose public members belong to another key", async () => {
  const a = await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, true, ["sign"]) as CryptoKeyPair;
  const b = await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, true, ["sign"]) as CryptoKeyPair;
  const jwkA = await crypto.subtle.exportKey("jwk", a.privateKey);
  const jwkB = await crypto.subtle.exportKey("jwk", b.privateKey);
  await expectCode(
    importAuditorKey(utf8(JSON.stringify({ ...jwkA, x: jwkB.x, y: jwkB.y }))),
    "KEY_MALFORMED",
    /public members do not belong to its private key/,
  );
});

Deno.test("importAuditorKey() and importAuditorPublicKey() refuse other algorithms and shapes", async () => {
  const p521 = await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-521" }, true, ["sign"]) as CryptoKeyPair;
  const pkcs8 = new Uint8Array(await crypto.subtle.exportKey("pkcs8", p521.privateKey));
  await expectCode(importAuditorKey(pkcs8), "KEY_UNSUPPORTED", /1\.3\.132\.0\.35 is not P-256, P-384 or Ed25519/);
  const spki = new Uint8Array(await crypto.subtle.exportKey("spki", p521.publicKey));
  assert.throws(
    () => importAuditorPublicKey(spki),
    (e: unknown) => e instanceof AuditError && e.code === "KEY_UNSUPPORTED",
  );
  await expectCode(
    importAuditorKey(utf8("-----BEGIN EC PRIVATE KEY-----\nAA==\n-----END EC PRIVATE KEY-----")),
    "KEY_MALFORMED",
    /PKCS#8/,
  );
  await expectCode(
    importAuditorKey(utf8('{"kty":"OKP","crv":"Ed25519","x":"AA"}')),
    "KEY_MALFORMED",
    /no private member "d"/,
  );
  const pair = await generateAuditorKey("ES256");
  assert.throws(
    () => importAuditorPublicKey(utf8(pair.privatePem)),
    (e: unknown) => e instanceof AuditError && e.code === "KEY_MALFORMED" && /PUBLIC KEY/.test(e.message),
  );
});

// --- Signing and verifying -------------------------------------------------------------------------------

Deno.test("signReport() → verifySignedReport() round trip for ES256, ES384 and EdDSA", async () => {
  const json = encodeReport(makeReport(SMALL_FINDINGS));
  for (const alg of REPORT_ALGORITHMS) {
    const pair = await generateAuditorKey(alg);
    const key = pair.key;
    const cose = await signReport(json, key, CLAIMS);
    const message = decodeCoseSign1(cose, { requireTag: true });
    assert.deepEqual(message.payload, json);
    assert.deepEqual(message.unprotectedHeader, new Map());
    const header = message.protectedHeader;
    assert.equal(header.get(1), { ES256: -7, ES384: -35, EdDSA: -8 }[alg]);
    assert.equal(header.get(3), REPORT_CONTENT_TYPE);
    assert.equal(fromUtf8(header.get(4) as Uint8Array), key.kid);
    assert.match(key.kid, /^[0-9a-f]{64}$/);
    assert.deepEqual(
      header.get(15),
      new Map<number, unknown>([[1, "auditor.example"], [2, "contoso/app"], [6, 1767225600]]),
    );
    assert.deepEqual([...header.keys()], [1, 3, 4, 15]);

    const verified = await verifySignedReport(cose, importAuditorPublicKey(utf8(pair.publicPem)));
    assert.deepEqual(verified.json, json);
    assert.deepEqual(verified.claims, CLAIMS);
    assert.equal(verified.kid, key.kid);
    assert.equal(verified.alg, alg);
    assert.equal(verified.report.verdict, "fail");
  }
});

Deno.test("signReport() refuses bytes that are not a canonical report and a sub that is not the subject", async () => {
  const { key } = await generateAuditorKey("ES256");
  const report = makeReport(SMALL_FINDINGS);
  await expectCode(signReport(utf8(JSON.stringify(report)), key, CLAIMS), "REPORT_MALFORMED", /canonical/);
  await expectCode(
    signReport(encodeReport(report), key, { ...CLAIMS, subject: "other" }),
    "REPORT_MALFORMED",
    /sub "other" is not the report subject "contoso\/app"/,
  );
});

Deno.test("verifySignedReport() rejects a report signed by another key or algorithm", async () => {
  const json = encodeReport(makeReport(SMALL_FINDINGS));
  const signer = (await generateAuditorKey("ES256")).key;
  const cose = await signReport(json, signer, CLAIMS);
  const other = (await generateAuditorKey("ES256")).key;
  await expectCode(verifySignedReport(cose, other.publicKey), "REPORT_KEY_MISMATCH", /signed by key "[0-9a-f]{64}"/);
  const ed = (await generateAuditorKey("EdDSA")).key;
  await expectCode(
    verifySignedReport(cose, ed.publicKey),
    "REPORT_KEY_MISMATCH",
    /uses algorithm ES256, but the given key signs with EdDSA/,
  );
});

/** Re-signs a signed report after editing its protected header or payload, as a key holder could. */
async function resign(
  cose: Uint8Array,
  key: AuditorKey,
  edit: { protectedFrom?: string; protectedTo?: string; payload?: Uint8Array },
): Promise<Uint8Array> {
  const message = decodeCoseSign1(cose);
  let protectedBytes = message.protectedBytes;
  if (edit.protectedFrom !== undefined) {
    const text = toHex(protectedBytes);
    const from = toHex(utf8(edit.protectedFrom));
    assert.ok(text.includes(from));
    protectedBytes = Uint8Array.from(
      text.replace(from, toHex(utf8(edit.protectedTo!))).match(/../g)!.map((h) => parseInt(h, 16)),
    );
  }
  const payload = edit.payload ?? message.payload!;
  const signature = await key.sign(sigStructure(protectedBytes, payload));
  return concat([
    new Uint8Array([0xd2, 0x84]),
    bstrHeader(protectedBytes.length),
    protectedBytes,
    new Uint8Array([0xa0]),
    bstrHeader(payload.length),
    payload,
    bstrHeader(signature.length),
    signature,
  ]);
}

Deno.test("verifySignedReport() rejects validly signed content that is not a canonical report for its subject", async () => {
  const report = makeReport(SMALL_FINDINGS);
  const { key } = await generateAuditorKey("EdDSA");
  const cose = await signReport(encodeReport(report), key, CLAIMS);
  await expectCode(
    verifySignedReport(await resign(cose, key, { payload: utf8(JSON.stringify(report)) }), key.publicKey),
    "REPORT_MALFORMED",
    /not in canonical form/,
  );
  await expectCode(
    verifySignedReport(
      await resign(cose, key, { protectedFrom: "report+json", protectedTo: "report+jsoN" }),
      key.publicKey,
    ),
    "REPORT_MALFORMED",
    /content type is "application\/vnd.scitt-audit.report\+jsoN"/,
  );
  await expectCode(
    verifySignedReport(
      await resign(cose, key, { protectedFrom: "contoso/app", protectedTo: "contoso/apq" }),
      key.publicKey,
    ),
    "REPORT_MALFORMED",
    /sub "contoso\/apq" is not the report subject "contoso\/app"/,
  );
  assert.ok((await verifySignedReport(await resign(cose, key, {}), key.publicKey)).report);
});

// --- The CLI: report verify, writeReports ------------------------------------------------------------------

Deno.test("report verify accepts a signed report and rejects it after any single byte changes", async () => {
  await withTempDir(async (dir) => {
    const pair = await generateAuditorKey("ES256");
    const keyPath = join(dir, "auditor.pub.pem");
    await Deno.writeTextFile(keyPath, pair.publicPem);
    const cose = await signReport(encodeReport(makeReport(SMALL_FINDINGS)), pair.key, CLAIMS);
    const path = join(dir, "report.cose");

    await Deno.writeFile(path, cose);
    const io = memoryIo();
    assert.equal(await runCli(["report", "verify", path, "--key", keyPath], io), 0, io.stderr.join("\n"));
    assert.match(io.stdout[0]!, new RegExp(`^valid  report.cose  signed by ${pair.key.kid} \\(ES256\\)$`));
    assert.ok(io.stdout.includes("  subject: contoso/app"));
    assert.ok(io.stdout.includes("  evaluated at: 2026-01-01T00:00:00.000Z"));
    assert.ok(io.stdout.includes("  verdict: FAIL  (1 pass, 1 fail, 0 warn, 0 skip)"));

    const codes = new Map<string, number>();
    for (let i = 0; i < cose.length; i++) {
      const tampered = cose.slice();
      tampered[i]! ^= 0x01;
      await Deno.writeFile(path, tampered);
      const out = memoryIo();
      const exit = await runCli(["report", "verify", path, "--key", keyPath, "--json"], out);
      assert.ok(exit === 1 || exit === 3, `byte ${i}: exit ${exit}`);
      const result = JSON.parse(out.stdout[0]!);
      assert.equal(result.valid, false, `byte ${i}`);
      assert.match(result.error.code, /^[A-Z0-9_]+$/, `byte ${i}`);
      codes.set(result.error.code, (codes.get(result.error.code) ?? 0) + 1);
    }
    // The payload and signature bytes are all caught by the signature.
    assert.ok((codes.get("REPORT_SIGNATURE_INVALID") ?? 0) > 500, JSON.stringify([...codes]));
  });
});

Deno.test("report verify rejects the wrong key with exit 1 and a missing file with exit 4", async () => {
  await withTempDir(async (dir) => {
    const signer = await generateAuditorKey("EdDSA");
    const other = await generateAuditorKey("EdDSA");
    const keyPath = join(dir, "other.pub.pem");
    await Deno.writeTextFile(keyPath, other.publicPem);
    const path = join(dir, "report.cose");
    await Deno.writeFile(path, await signReport(encodeReport(makeReport(SMALL_FINDINGS)), signer.key, CLAIMS));
    const io = memoryIo();
    assert.equal(await runCli(["report", "verify", path, "--key", keyPath], io), 1);
    assert.equal(io.stderr.length, 1);
    assert.match(io.stderr[0]!, /^scitt-audit: .*report\.cose: Signed report was signed by key "[0-9a-f]{64}", not by/);
    const missing = memoryIo();
    assert.equal(await runCli(["report", "verify", join(dir, "nope.cose"), "--key", keyPath], missing), 4);
    const usage = memoryIo();
    assert.equal(await runCli(["report", "verify", path], usage), 2);
    assert.match(usage.stderr[0]!, /--key <auditor public key> is required/);
  });
});

const REPLAY_PLAYBOOK = `playbook: 1
name: replay
at: 2026-01-01T00:00:00Z
trust:
  transparency: [{ issuer: ledger.example, keys: keys.json }]
  signers: ["did:x509:0:sha256:I__iuL25oXEVFdTP_aBLx_eT1RPHbCQ_ECBQfYZpt9s::eku:1.3.6.1.4.1.311.76.59.1.2"]
report:
  subject: contoso/app
artifacts:
  - id: app
    file: app.bin
    equals: literal "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"
`;

const REPLAY_KEYS = JSON.stringify({
  keys: [{ kty: "EC", crv: "P-256", x: "A".repeat(43), y: "A".repeat(43) }],
});

Deno.test("report verify --playbook re-runs the audit at the recorded time and flags any difference", async () => {
  await withTempDir(async (dir) => {
    const playbook = join(dir, "audit.yaml");
    await Deno.writeTextFile(playbook, REPLAY_PLAYBOOK);
    await Deno.writeTextFile(join(dir, "keys.json"), REPLAY_KEYS);
    await Deno.writeTextFile(join(dir, "app.bin"), "hello");
    const pair = await generateAuditorKey("EdDSA");
    const keyPath = join(dir, "auditor.pub.pem");
    await Deno.writeTextFile(keyPath, pair.publicPem);
    const report = await runAudit(playbook, {});
    assert.equal(report.verdict, "pass");
    const { files } = await writeReports(report, join(dir, "out"), {
      signingKey: { bytes: utf8(pair.privatePem), name: "auditor.key.pem" },
    });
    const args = ["report", "verify", files[1]!, "--key", keyPath, "--playbook", playbook];

    const same = memoryIo();
    assert.equal(await runCli(args, same), 0, same.stderr.join("\n"));
    assert.match(
      same.stdout.at(-1)!,
      /^ {2}re-run: identical verdict and \d+ findings; the whole report is byte-identical$/,
    );

    await Deno.writeTextFile(join(dir, "app.bin"), "hellO");
    const changed = memoryIo();
    assert.equal(await runCli(args, changed), 1);
    assert.equal(changed.stdout.at(-1), "  re-run: DIFFERENT  verdict pass → fail; changed: artifact.app");
    const json = memoryIo();
    assert.equal(await runCli([...args, "--json"], json), 1);
    assert.deepEqual(JSON.parse(json.stdout[0]!).rerun, {
      identical: false,
      verdict: { signed: "pass", rerun: "fail" },
      findings: { changed: ["artifact.app"], added: [], removed: [] },
      reportIdentical: false,
    });
  });
});

Deno.test("writeReports() writes report.json, report.cose, report.html and junit.xml that verify", async () => {
  await withTempDir(async (dir) => {
    const pair = await generateAuditorKey("ES384");
    const report = makeReport(SMALL_FINDINGS);
    const out = join(dir, "nested", "out");
    const { files } = await writeReports(report, out, {
      signingKey: { bytes: utf8(pair.privatePem), name: "auditor.key.pem" },
      issuer: "auditor.example",
      signedAt: new Date(1767225600_000),
    });
    assert.deepEqual(files, ["report.json", "report.cose", "report.html", "junit.xml"].map((f) => join(out, f)));
    const json = await Deno.readFile(join(out, "report.json"));
    assert.deepEqual(json, encodeReport(report));
    const verified = await verifySignedReport(await Deno.readFile(join(out, "report.cose")), pair.key.publicKey);
    assert.deepEqual(verified.json, json);
    assert.deepEqual(verified.claims, CLAIMS);
    assert.equal(await Deno.readTextFile(join(out, "report.html")), renderHtml(report));

    const unsigned = await writeReports(report, join(dir, "unsigned"));
    assert.deepEqual(unsigned.files.map((f) => f.slice(f.lastIndexOf("/") + 1)), [
      "report.json",
      "report.html",
      "junit.xml",
    ]);
    assert.deepEqual(await Deno.readFile(unsigned.files[0]!), json);
  });
});

// --- HTML ------------------------------------------------------------------------------------------------

const HOSTILE = `<img src="https://evil.example/x.png"><script>fetch("//evil.example")</script>` +
  `<a href='http://evil.example'>x</a> url(https://evil.example/a.css) @import "//evil.example/b.css"; ' " &`;

const RICH_FINDINGS: Finding[] = [
  {
    id: "statement.release.signature",
    status: "pass",
    kind: "statement",
    subject: "release",
    message: "Signature valid",
    details: {
      issuer: "did:x509:0:sha256:I__iuL25oXEVFdTP_aBLx_eT1RPHbCQ_ECBQfYZpt9s::eku:1.3.6.1.4.1.311.76.59.1.2",
      subject: "contoso/app",
      svn: 3,
      receipts: [
        { issuer: "ledger.contoso.example", txid: "2.17", valid: true },
        { issuer: "ledger.fabrikam.example", txid: "5.42", valid: true },
      ],
      entry: "https://ledger.contoso.example/entries/2.17",
    },
  },
  { id: "trust.keys", status: "pass", kind: "trust", subject: "ledger.contoso.example", message: "2 keys" },
  { id: "measurement.1", status: "warn", kind: "measurement", subject: "uvm", message: "close to expiry" },
  { id: "statement.release.svn", status: "skip", kind: "statement", subject: "release", message: "no min-svn" },
  {
    id: "artifact.app",
    status: "fail",
    kind: "artifact",
    subject: "bin/app.tar",
    message: `Digest differs ${HOSTILE}`,
    code: "ARTIFACT_DIGEST_MISMATCH",
    details: { expected: "aa", actual: "bb", [HOSTILE]: [HOSTILE, { nested: HOSTILE }] },
  },
  { id: "receipt.release.0", status: "fail", kind: "receipt", subject: "release", message: "proof invalid" },
  { id: "receipt.release.1", status: "pass", kind: "receipt", subject: "release", message: "proof valid" },
];

Deno.test("renderHtml() makes no external reference of any kind", () => {
  const html = renderHtml(makeReport(RICH_FINDINGS, HOSTILE));
  // No element that loads or navigates anything, no executable content.
  assert.doesNotMatch(html, /<\s*(script|img|link|iframe|object|embed|base|form|svg|video|audio|source|frame)\b/i);
  assert.doesNotMatch(html, /\son[a-z]+\s*=/i);
  // No URL-bearing attribute with a scheme or a protocol-relative reference; the only links are fragments.
  assert.doesNotMatch(
    html,
    /\b(src|href|action|srcset|poster|background|data|xlink:href)\s*=\s*["']?\s*([a-z][a-z0-9+.-]*:|\/\/)/i,
  );
  for (const href of html.matchAll(/href\s*=\s*"([^"]*)"/gi)) assert.match(href[1]!, /^#/);
  // Styles are inline and fetch nothing.
  const styles = [...html.matchAll(/<style>([\s\S]*?)<\/style>/g)].map((m) => m[1]!);
  assert.equal(styles.length, 1);
  assert.doesNotMatch(styles[0]!, /url\s*\(|@import|https?:|\/\//i);
  assert.equal(html.match(/<style\b/g)!.length, 1);
  // A Content-Security-Policy that forbids loading anything at all.
  assert.match(
    html,
    /<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">/,
  );
  // The hostile text is there, as text.
  assert.ok(html.includes("&lt;img src=&quot;https://evil.example/x.png&quot;&gt;&lt;script&gt;"));
  assert.ok(html.includes("https://ledger.contoso.example/entries/2.17"));
});

Deno.test("renderHtml() lists failing checks first, grouped by evidence kind and subject, with statement details", () => {
  const html = renderHtml(makeReport(RICH_FINDINGS));
  const order = [...html.matchAll(/<article class="finding (\w+)">.*?<span class="id">([^<]+)<\/span>/g)]
    .map((m) => [m[1], m[2]]);
  assert.deepEqual(order, [
    ["fail", "receipt.release.0"],
    ["fail", "artifact.app"],
    ["warn", "measurement.1"],
    ["skip", "statement.release.svn"],
    ["pass", "trust.keys"],
    ["pass", "statement.release.signature"],
    ["pass", "receipt.release.1"],
  ]);
  assert.ok(html.indexOf("<h2>Failed checks (2)</h2>") < html.indexOf("<h2>Passed checks (3)</h2>"));
  assert.match(html, /<h3>Receipts<\/h3><h4>release<\/h4>/);
  for (
    const fact of [
      "<dt>svn</dt><dd><code>3</code></dd>",
      "<dt>issuer</dt><dd>did:x509:0:sha256:I__iuL25oXEVFdTP_aBLx_eT1RPHbCQ_ECBQfYZpt9s::eku:1.3.6.1.4.1.311.76.59.1.2</dd>",
      "<th>txid</th>",
      "<td>2.17</td>",
      "<td>5.42</td>",
      "<td>ledger.fabrikam.example</td>",
    ]
  ) assert.ok(html.includes(fact), fact);
  assert.match(html, /<span class="verdict fail">FAIL<\/span>/);
});

// --- JUnit -----------------------------------------------------------------------------------------------

interface XmlElement {
  readonly name: string;
  readonly attributes: Record<string, string>;
  readonly children: XmlElement[];
  text: string;
}

/** A strict little XML 1.0 reader for the subset JUnit uses: prolog, elements, attributes, text, entities. */
function parseXml(xml: string): XmlElement {
  const entity = (text: string, at: number) =>
    text.replace(/&([^;]*);/g, (_, name: string) => {
      const named: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };
      if (name in named) return named[name]!;
      const code = /^#x[0-9a-f]+$/i.test(name)
        ? parseInt(name.slice(2), 16)
        : /^#[0-9]+$/.test(name)
        ? Number(name.slice(1))
        : NaN;
      if (Number.isNaN(code)) throw new SyntaxError(`unknown entity &${name}; near ${at}`);
      return String.fromCodePoint(code);
    });
  const checkText = (text: string, at: number) => {
    if (/[<]|&(?!(amp|lt|gt|quot|apos|#[0-9]+|#x[0-9a-f]+);)/i.test(text)) throw new SyntaxError(`bad text at ${at}`);
    return entity(text, at);
  };
  let i = 0;
  const prolog = /^<\?xml version="1\.0" encoding="UTF-8"\?>\n/.exec(xml);
  if (!prolog) throw new SyntaxError("no XML declaration");
  i = prolog[0].length;
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  const tag = /<(\/?)([A-Za-z_][\w.-]*)((?:\s+[A-Za-z_][\w.-]*="[^"<]*")*)\s*(\/?)>/y;
  while (i < xml.length) {
    const lt = xml.indexOf("<", i);
    const text = xml.slice(i, lt === -1 ? xml.length : lt);
    if (stack.length > 0) stack.at(-1)!.text += checkText(text, i);
    else if (text.trim() !== "") throw new SyntaxError(`text outside the root at ${i}`);
    if (lt === -1) break;
    tag.lastIndex = lt;
    const m = tag.exec(xml);
    if (!m) throw new SyntaxError(`malformed tag at ${lt}`);
    const [, close, name, attrs, selfClose] = m;
    if (close) {
      if (stack.pop()?.name !== name) throw new SyntaxError(`mismatched </${name}> at ${lt}`);
    } else {
      const attributes: Record<string, string> = {};
      for (const a of attrs!.matchAll(/([A-Za-z_][\w.-]*)="([^"]*)"/g)) {
        if (a[1]! in attributes) throw new SyntaxError(`duplicate attribute ${a[1]}`);
        attributes[a[1]!] = checkText(a[2]!, lt);
      }
      const element: XmlElement = { name: name!, attributes, children: [], text: "" };
      if (stack.length > 0) stack.at(-1)!.children.push(element);
      else if (root) throw new SyntaxError("second root element");
      else root = element;
      if (!selfClose) stack.push(element);
    }
    i = tag.lastIndex;
  }
  if (!root || stack.length > 0) throw new SyntaxError("unclosed elements");
  return root;
}

Deno.test("renderJunit() is valid XML with one suite per evidence kind and the right counts", () => {
  const findings = [...RICH_FINDINGS, {
    id: "artifact.\u0001odd",
    status: "pass" as const,
    kind: "artifact" as const,
    subject: "\ufffe",
    message: "a\nb\tc\u0000",
  }];
  const root = parseXml(renderJunit(makeReport(findings, HOSTILE)));
  assert.equal(root.name, "testsuites");
  assert.deepEqual(
    [root.attributes.tests, root.attributes.failures, root.attributes.skipped, root.attributes.errors],
    ["8", "2", "1", "0"],
  );
  assert.equal(root.attributes.name, `Release audit (${HOSTILE})`);
  const suites = root.children.map((
    s,
  ) => [s.name, s.attributes.name, s.attributes.tests, s.attributes.failures, s.attributes.skipped]);
  assert.deepEqual(suites, [
    ["testsuite", "trust", "1", "0", "0"],
    ["testsuite", "statement", "2", "0", "1"],
    ["testsuite", "receipt", "2", "1", "0"],
    ["testsuite", "measurement", "1", "0", "0"],
    ["testsuite", "artifact", "2", "1", "0"],
  ]);
  const artifact = root.children[4]!.children[0]!;
  assert.equal(artifact.attributes.name, "artifact.app");
  assert.equal(artifact.attributes.classname, "artifact.bin/app.tar");
  const failure = artifact.children[0]!;
  assert.equal(failure.name, "failure");
  assert.equal(failure.attributes.type, "ARTIFACT_DIGEST_MISMATCH");
  assert.equal(failure.attributes.message, `Digest differs ${HOSTILE}`);
  assert.match(failure.text, /^Digest differs <img src=/);
  const skipped = root.children[1]!.children[1]!.children[0]!;
  assert.deepEqual([skipped.name, skipped.attributes.message], ["skipped", "no min-svn"]);
  const odd = root.children[4]!.children[1]!;
  assert.equal(odd.attributes.name, "artifact.\ufffdodd");
  assert.equal(odd.children[0]!.text, "a\nb\tc\ufffd");
});
