/**
 * The sigstore-conformance `bundle-verify` suite (70 cases) run through `scitt-audit sigstore verify` as the upstream
 * harness runs it — each case twice, the artifact as a path and as `sha256:<hex>` — and the nine sigstore-js
 * production bundles. Reads ../shared/vectors; skipped when absent.
 */

import assert from "node:assert/strict";
import { toHex } from "../core/bytes.ts";
import { sha256 } from "../core/crypto/digest.ts";
import type { ErrorCode } from "../core/errors.ts";
import { SIGSTORE_JS_SIGNER, SIGSTORE_JS_SUBJECT } from "../bench/sigstore_bench.ts";
import { cli } from "./_cli.ts";
import { vectorTest } from "./_vectors.ts";

const SUITE = "sigstore-conformance/test/assets/bundle-verify";
const PUBLIC_GOOD = "sigstore-trusted-root/public-good-trusted_root.json";
const DEFAULT_IDENTITY =
  "https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main";
const DEFAULT_ISSUER = "https://token.actions.githubusercontent.com";

/** Why each `_fail` case fails: the exit status and the code of the step that caught it (both runs alike). */
const EXPECTED_FAILURES: Readonly<Record<string, readonly [1 | 3, ErrorCode]>> = {
  "bundle-empty-certificate-chain_fail": [3, "SIGSTORE_BUNDLE_MALFORMED"],
  "bundle-from-wrong-instance_fail": [1, "SIGSTORE_SET_INVALID"],
  "bundle-invalid-base64-signature_fail": [3, "SIGSTORE_BUNDLE_MALFORMED"],
  "bundle-malformed-json_fail": [3, "SIGSTORE_BUNDLE_MALFORMED"],
  "bundle-negative-log-index_fail": [3, "SIGSTORE_BUNDLE_MALFORMED"],
  "bundle-unknown-version_fail": [3, "SIGSTORE_BUNDLE_MALFORMED"],
  "bundle-with-root-cert_fail": [1, "SIGSTORE_CERTIFICATE_INVALID"],
  "checkpoint-bad-keyhint_fail": [1, "SIGSTORE_CHECKPOINT_INVALID"],
  "checkpoint-wrong-roothash_fail": [1, "SIGSTORE_INCLUSION_PROOF_INVALID"],
  "dsse-invalid-sig_fail": [1, "SIGSTORE_TLOG_BODY_MISMATCH"],
  "dsse-mismatch-envelope_fail": [1, "SIGSTORE_TLOG_BODY_MISMATCH"],
  "dsse-mismatch-sig_fail": [1, "SIGSTORE_TLOG_BODY_MISMATCH"],
  "inclusion-proof-corrupted-hash_fail": [1, "SIGSTORE_INCLUSION_PROOF_INVALID"],
  "incorrect-public-key_fail": [1, "SIGSTORE_SET_INVALID"],
  "integrated-time-in-future_fail": [1, "SIGSTORE_CERTIFICATE_INVALID"],
  "intoto-expired-certificate_fail": [1, "SIGSTORE_CERTIFICATE_INVALID"],
  "intoto-log-entry-mismatch_fail": [1, "SIGSTORE_TLOG_BODY_MISMATCH"],
  "intoto-missing-inclusion-proof_fail": [3, "SIGSTORE_BUNDLE_MALFORMED"],
  "intoto-set-outside-signing-cert-validity_fail": [1, "SIGSTORE_CERTIFICATE_INVALID"],
  "intoto-tsa-timestamp-outside-cert-validity_fail": [1, "SIGSTORE_CERTIFICATE_INVALID"],
  "invalid-checkpoint-signature_fail": [1, "SIGSTORE_CHECKPOINT_INVALID"],
  "invalid-ct-key_fail": [1, "SIGSTORE_SCT_INVALID"],
  "invalid-inclusion-proof_fail": [3, "SIGSTORE_BUNDLE_MALFORMED"],
  "managed-key-no-key_fail": [1, "SIGSTORE_KEY_INVALID"],
  "managed-key-wrong-key_fail": [1, "SIGSTORE_TLOG_BODY_MISMATCH"],
  "message-digest-mismatch_fail": [1, "SIGSTORE_TLOG_BODY_MISMATCH"],
  "rekor2-checkpoint-missing-log-signature_fail": [1, "SIGSTORE_CHECKPOINT_INVALID"],
  "rekor2-checkpoint-missing-origin_fail": [1, "SIGSTORE_CHECKPOINT_INVALID"],
  "rekor2-checkpoint-missing-root-hash_fail": [1, "SIGSTORE_CHECKPOINT_INVALID"],
  "rekor2-checkpoint-missing-size_fail": [1, "SIGSTORE_CHECKPOINT_INVALID"],
  "rekor2-checkpoint-no-matching-signature_fail": [1, "SIGSTORE_CHECKPOINT_INVALID"],
  "rekor2-dsse-invalid-sig_fail": [1, "SIGSTORE_TLOG_BODY_MISMATCH"],
  "rekor2-dsse-mismatch-envelope_fail": [1, "SIGSTORE_TLOG_BODY_MISMATCH"],
  "rekor2-dsse-mismatch-sig_fail": [1, "SIGSTORE_TLOG_BODY_MISMATCH"],
  "rekor2-no-inclusion-proof_fail": [3, "SIGSTORE_BUNDLE_MALFORMED"],
  "rekor2-no-timestamp_fail": [1, "SIGSTORE_TIMESTAMP_INVALID"],
  "rekor2-timestamp-outside-trust-root-tsa-validity_fail": [1, "SIGSTORE_TIMESTAMP_INVALID"],
  "rekor2-timestamp-outside-tsa-cert-validity_fail": [1, "SIGSTORE_TIMESTAMP_INVALID"],
  "rekor2-timestamp-payload-mismatch_fail": [1, "SIGSTORE_TIMESTAMP_INVALID"],
  "rekor2-timestamp-untrusted-tsa-with-embedded-cert_fail": [1, "SIGSTORE_TIMESTAMP_INVALID"],
  "rekor2-timestamp-untrusted-tsa-without-embedded-cert_fail": [1, "SIGSTORE_TIMESTAMP_INVALID"],
  "rekor2-timestamp-with-incorrect-time_fail": [1, "SIGSTORE_CERTIFICATE_INVALID"],
  "set-invalid-signature_fail": [1, "SIGSTORE_SET_INVALID"],
  "signature-mismatch_fail": [1, "SIGSTORE_TLOG_BODY_MISMATCH"],
  "trust-root-tlog-missing-validity-start_fail": [3, "SIGSTORE_TRUSTED_ROOT_MALFORMED"],
  "wrong-hashedrekord-artifact_fail": [1, "SIGSTORE_TLOG_BODY_MISMATCH"],
  "wrong-hashedrekord-cert-and-sig_fail": [1, "SIGSTORE_TLOG_BODY_MISMATCH"],
  "wrong-hashedrekord-entry_fail": [1, "SIGSTORE_TLOG_BODY_MISMATCH"],
  "wrong-material_fail": [1, "SIGSTORE_ARTIFACT_MISMATCH"],
};

function exists(path: string): boolean {
  try {
    Deno.statSync(path);
    return true;
  } catch {
    return false;
  }
}

/** The arguments the conformance harness would pass for one case (minus the artifact). */
function caseArguments(vectors: string, name: string): { artifact: string; args: string[] } {
  const dir = `${vectors}/${SUITE}/${name}`;
  const artifact = exists(`${dir}/artifact`) ? `${dir}/artifact` : `${vectors}/${SUITE}/a.txt`;
  const root = exists(`${dir}/trusted_root.json`) ? `${dir}/trusted_root.json` : `${vectors}/${PUBLIC_GOOD}`;
  const args = ["--bundle", `${dir}/bundle.sigstore.json`, "--trusted-root", root];
  if (exists(`${dir}/key.pub`)) args.push("--key", `${dir}/key.pub`);
  else {
    const read = (file: string, fallback: string) =>
      exists(`${dir}/${file}`) ? Deno.readTextFileSync(`${dir}/${file}`).trim() : fallback;
    args.push("--certificate-identity", read("identity", DEFAULT_IDENTITY));
    args.push("--certificate-oidc-issuer", read("issuer", DEFAULT_ISSUER));
  }
  return { artifact, args };
}

/** The case folders, sorted. */
function conformanceCases(vectors: string): string[] {
  return [...Deno.readDirSync(`${vectors}/${SUITE}`)].filter((e) => e.isDirectory).map((e) => e.name).sort();
}

vectorTest(
  "sigstore verify gives every conformance case its expected result, artifact as path and as digest",
  async (vectors) => {
    const cases = conformanceCases(vectors);
    let passed = 0;
    let failed = 0;
    let runs = 0;
    for (const name of cases) {
      const { artifact, args } = caseArguments(vectors, name);
      const digest = `sha256:${toHex(await sha256(Deno.readFileSync(artifact)))}`;
      for (const given of [artifact, digest]) {
        const run = await cli("sigstore", "verify", given, ...args, "--json");
        runs++;
        const expected = EXPECTED_FAILURES[name];
        if (!name.endsWith("_fail")) {
          assert.deepEqual([name, given, run.exit, run.stderr], [name, given, 0, []]);
          assert.deepEqual(JSON.parse(run.stdout[0]!).verified, true);
          passed++;
          continue;
        }
        const [exit, code] = expected!;
        if (code === "SIGSTORE_TRUSTED_ROOT_MALFORMED") {
          assert.deepEqual([name, run.exit, run.stderr.some((l) => l.includes("Sigstore step 'trusted-root'"))], [
            name,
            3,
            true,
          ]);
        } else {
          const output = JSON.parse(run.stdout[0]!);
          assert.deepEqual([name, given, run.exit, output.verified, output.error.code], [
            name,
            given,
            exit,
            false,
            code,
          ]);
          assert.deepEqual(typeof output.error.step, "string");
        }
        failed++;
      }
    }
    assert.deepEqual(cases.length, 70);
    assert.deepEqual(Object.keys(EXPECTED_FAILURES).length, 49);
    assert.deepEqual(cases.filter((c) => c.endsWith("_fail")).sort(), Object.keys(EXPECTED_FAILURES).sort());
    assert.deepEqual({ runs, passed, failed }, { runs: 140, passed: 42, failed: 98 });
  },
);

/** The sigstore-js bundle files, sorted. */
function sigstoreJsBundles(vectors: string): string[] {
  return [...Deno.readDirSync(`${vectors}/sigstore-js-bundles`)].map((e) => e.name).filter((n) =>
    n.endsWith(".sigstore")
  )
    .sort().map((n) => `${vectors}/sigstore-js-bundles/${n}`);
}

vectorTest(
  "sigstore verify accepts the nine sigstore-js production bundles (v0.1, v0.2, v0.3, both media types)",
  async (vectors) => {
    const bundles = sigstoreJsBundles(vectors);
    const versions: string[] = [];
    for (const bundle of bundles) {
      const run = await cli(
        "sigstore",
        "verify",
        SIGSTORE_JS_SUBJECT,
        "--bundle",
        bundle,
        "--trusted-root",
        `${vectors}/${PUBLIC_GOOD}`,
        "--certificate-identity",
        SIGSTORE_JS_SIGNER.identity,
        "--certificate-oidc-issuer",
        SIGSTORE_JS_SIGNER.issuer,
        "--json",
      );
      assert.deepEqual([bundle, run.exit, run.stderr], [bundle, 0, []]);
      const output = JSON.parse(run.stdout[0]!);
      assert.deepEqual([output.verified, output.signer.identity.san], [true, SIGSTORE_JS_SIGNER.identity]);
      versions.push(`${output.version}:${output.mediaType.includes("bundle.v") ? "new" : "legacy"}`);
    }
    assert.deepEqual(bundles.length, 9);
    assert.deepEqual(versions.sort(), [
      "0.1:legacy",
      "0.1:legacy",
      "0.1:legacy",
      "0.1:legacy",
      "0.1:legacy",
      "0.2:legacy",
      "0.2:legacy",
      "0.3:legacy",
      "0.3:new",
    ]);
  },
);

vectorTest(
  "sigstore verify names the failing step when the identity or issuer is not the expected one",
  async (vectors) => {
    const { artifact, args } = caseArguments(vectors, "happy-path-v0.3");
    const wrongIdentity = args.map((a) => a === DEFAULT_IDENTITY ? "https://example.com/other" : a);
    const run = await cli("sigstore", "verify", artifact, ...wrongIdentity, "--json");
    assert.deepEqual(run.exit, 1);
    assert.deepEqual(JSON.parse(run.stdout[0]!).error, {
      code: "SIGSTORE_IDENTITY_MISMATCH",
      step: "identity",
      message:
        `Sigstore step 'identity': the certificate identity is '${DEFAULT_IDENTITY}', expected 'https://example.com/other'`,
    });
    const regexp = args.filter((a, i) => a !== DEFAULT_ISSUER && args[i + 1] !== DEFAULT_ISSUER);
    const matched = await cli(
      "sigstore",
      "verify",
      artifact,
      ...regexp,
      "--certificate-oidc-issuer-regexp",
      "^https://token\\.actions\\.githubusercontent\\.com$",
    );
    assert.deepEqual(matched.exit, 0);
    const unmatched = await cli(
      "sigstore",
      "verify",
      artifact,
      ...regexp,
      "--certificate-oidc-issuer-regexp",
      "^https://accounts",
    );
    assert.deepEqual(unmatched.exit, 1);
  },
);
