/**
 * The expectations of `shared/vectors/mst/README.txt` and `ccf-receipts.md` §7.3/§10, checked end to end through
 * `scitt-audit verify --json`, `inspect --json` and `didx509 --json` (in process, with a recording Io).
 *
 * @module
 */

import assert from "node:assert/strict";
import { bstrHeader } from "../core/cbor.ts";
import { concat } from "../core/bytes.ts";
import { decodeCoseSign1 } from "../core/cose/sign1.ts";
import { HEADER } from "../core/cose/labels.ts";
import { importKeySet } from "../core/trust/import_keys.ts";
import { DEFAULT_RECEIPT_POLICY } from "../core/receipts/policy.ts";
import { TrustStore } from "../core/receipts/trust_store.ts";
import { verifyTransparentStatement } from "../core/statement/mod.ts";
import { readVector, vectorTest } from "./_vectors.ts";
import { cli } from "./_cli.ts";

const CP = "esrp-cts-cp.confidential-ledger.azure.com";
const DB = "esrp-cts-db.confidential-ledger.azure.com";
const DEV = "esrp-cts-dev.confidential-ledger.azure.com";
const TRUST_LIST_SIGNER = "did:x509:0:sha256:wVkSM46SDpw4LuyEYoH6r5ym07whL5lWxNlGN-UPtf4::eku:1.3.6.1.4.1.311.10.3.13";
const ESRP_MODEL_ISSUER =
  "did:x509:0:sha256:I__iuL25oXEVFdTP_aBLx_eT1RPHbCQ_ECBQfYZpt9s::eku:1.3.6.1.4.1.311.76.59.1.1";
const ESRP_UVM_ISSUER = "did:x509:0:sha256:I__iuL25oXEVFdTP_aBLx_eT1RPHbCQ_ECBQfYZpt9s::eku:1.3.6.1.4.1.311.76.59.1.2";

const DIGEST_1TS = "ad2c00a990a1b0a4f8ea765b58eb64b207b94ec52ff6baeb8a79fffe7bc2bfcd";
const ROOT_1TS = "9bfd2a8598ec12cfbcb827c6279fd29538665f33e2c6017c909bbb7c800ac083";
const DIGEST_ESRP_ENVELOPE = "9cbc2e8962415bf937547dcb2dc945fc685f2de5406cfc22a129378c26a12f67";
const KID_CP = "a7ad3b7729516ca443fa472a0f2faa4a984ee3da7eafd17f98dcffbac4a6a10f";
const KID_DB = "da7694f16def5a056ca96afb21e89a9450e4cc875e2de351da76d99544a3e849";
const KID_SDK = "fb29ce6d6b37e7a0b03a5fc94205490e1c37de1f41f68b92e3620021e9981d01";

interface ReceiptJson {
  index: number;
  issuer: string;
  kid: string | null;
  vds: number | null;
  alg: string | null;
  valid: boolean;
  treatment: string;
  root: string | null;
  signedTxid: string | null;
  registeredTxid: string | null;
  entryUrl: string | null;
  signedAt: string | null;
  error?: { code: string; message: string };
}

interface StatementJson {
  file: string;
  valid: boolean;
  error?: { code: string; message: string };
  digest: string;
  statement: Record<string, unknown>;
  signature: { valid: boolean; signer?: string; error?: { code: string; message: string } };
  identity: { valid: boolean; did?: string };
  receipts: ReceiptJson[];
  policy: { ok: boolean; failures: string[]; message?: string };
  warnings: string[];
}

interface KeyImportJson {
  file: string;
  format: string;
  issuers: string[];
  added: number;
  duplicates: number;
  warnings: string[];
}

interface VerifyJson {
  policy: {
    authorizedDomains: string[];
    authorizedReceiptBehavior: string;
    unauthorizedReceiptBehavior: string;
    authorizedDomainsFrom: string;
  };
  keys: KeyImportJson[];
  statements: StatementJson[];
}

/** Runs `verify --json`: exactly one JSON line on stdout and nothing on stderr. */
async function verifyJson(args: string[]): Promise<{ exit: number; out: VerifyJson }> {
  const { exit, stdout, stderr } = await cli(...["verify", ...args, "--json"]);
  assert.deepEqual(stderr, []);
  assert.equal(stdout.length, 1);
  return { exit, out: JSON.parse(stdout[0]!) as VerifyJson };
}

/** Runs `verify --json` on one statement and returns its entry. */
async function verifyOne(args: string[]): Promise<{ exit: number; out: VerifyJson; statement: StatementJson }> {
  const { exit, out } = await verifyJson(args);
  assert.equal(out.statements.length, 1);
  return { exit, out, statement: out.statements[0]! };
}

const keysFor = (dir: string, issuer: string, path: string) => ["--keys", `${issuer}=${dir}/mst/${path}`];
const cpKeys = (dir: string) => keysFor(dir, CP, "esrp-cts-cp/esrp_cp_ledger_pub_keys.json");
const dbKeys = (dir: string) => keysFor(dir, DB, "esrp-cts-db/esrp_db_ledger_pub_keys.json");
const sdkKeys = (dir: string) => keysFor(dir, "foo.bar.com", "sdk-foo.bar.com/jwks_kid_mismatch.json");

const RECEIPT_1TS: ReceiptJson = {
  index: 0,
  issuer: CP,
  kid: KID_CP,
  vds: 2,
  alg: "ES384",
  valid: true,
  treatment: "authorized",
  root: ROOT_1TS,
  signedTxid: "138.3388",
  registeredTxid: "138.3387",
  entryUrl: `https://${CP}/entries/138.3387`,
  signedAt: "2025-06-19T22:05:41Z",
};

const RECEIPT_UVM: ReceiptJson = {
  index: 0,
  issuer: DB,
  kid: KID_DB,
  vds: 2,
  alg: "ES384",
  valid: true,
  treatment: "authorized",
  root: "9a9b439497b18eed7d5a1f3177c3206cb221e12e46e6f66bac935c62053b0466",
  signedTxid: "458.12441",
  registeredTxid: "458.12440",
  entryUrl: `https://${DB}/entries/458.12440`,
  signedAt: "2025-12-22T21:11:28Z",
};

const RECEIPT_SDK: ReceiptJson = {
  index: 0,
  issuer: "foo.bar.com",
  kid: KID_SDK,
  vds: 2,
  alg: "ES384",
  valid: true,
  treatment: "authorized",
  root: "0cc8617a307007cef1965c380d479534e4152ad939389532790038afca6b5af6",
  signedTxid: "2.13",
  registeredTxid: "2.12",
  entryUrl: "https://foo.bar.com/entries/2.12",
  signedAt: "2025-03-14T15:19:32Z",
};

function assertValidUvm(statement: StatementJson): void {
  assert.equal(statement.valid, true);
  assert.equal(statement.digest, "a60138fb1591fe6c433b41128b0349cf3636bce74fc8c2e7140bc13b74612649");
  assert.deepEqual(statement.receipts, [RECEIPT_UVM]);
}

// --- Genuine statements --------------------------------------------------------------------------------------

vectorTest("verify accepts 1ts-statement.scitt and reports its digest, root, kid, txids and entry URL", async (dir) => {
  const file = `${dir}/mst/esrp-cts-cp/1ts-statement.scitt`;
  const { exit, out, statement } = await verifyOne([file, ...cpKeys(dir)]);
  assert.equal(exit, 0);
  assert.equal(statement.file, file);
  assert.equal(statement.valid, true);
  assert.equal(statement.error, undefined);
  assert.equal(statement.digest, DIGEST_1TS);
  assert.deepEqual(statement.statement, {
    alg: "PS384",
    issuer: ESRP_MODEL_ISSUER,
    subject: "experimental/microsoft/phi-4-reasoning",
    svn: 0,
    iat: "2025-06-19T22:05:39Z",
    contentType: null,
    payloadHashAlg: "SHA-384",
    preimageContentType: "application/vnd.in-toto+json",
  });
  assert.deepEqual(statement.signature, {
    valid: true,
    signer: "CN=Microsoft SCD Products RSA Signing,O=Microsoft Corporation,L=Redmond,ST=Washington,C=US",
  });
  assert.deepEqual(statement.identity, { valid: true, did: ESRP_MODEL_ISSUER });
  assert.deepEqual(statement.receipts, [RECEIPT_1TS]);
  assert.deepEqual(statement.policy, { ok: true, failures: [] });
  assert.deepEqual(statement.warnings, []);
  assert.deepEqual(out.policy, {
    authorizedDomains: [CP],
    authorizedReceiptBehavior: "VerifyAllMatching",
    unauthorizedReceiptBehavior: "FailIfPresent",
    authorizedDomainsFrom: "keys",
  });
});

vectorTest(
  "verify authorizes the issuers it loaded keys for when --authorized-domains is absent, and says so",
  async (dir) => {
    const { exit, stdout, stderr } = await cli(...[
      "verify",
      `${dir}/mst/esrp-cts-cp/1ts-statement.scitt`,
      ...cpKeys(dir),
    ]);
    assert.equal(exit, 0);
    assert.deepEqual(stderr, []);
    assert.deepEqual(stdout, [
      `authorized domains: ${CP} (every issuer with keys; set --authorized-domains to choose)`,
      "valid    1ts-statement.scitt  experimental/microsoft/phi-4-reasoning svn 0",
      `  receipt 0  valid  ${CP}  registered at 138.3387, signed at 138.3388 (2025-06-19T22:05:41Z)`,
    ]);
  },
);

vectorTest(
  "verify accepts uvm_0.2.10.cose with the esrp-cts-db JWKS and reports the pyscitt golden facts",
  async (dir) => {
    const { exit, statement } = await verifyOne([`${dir}/mst/esrp-cts-db/uvm_0.2.10.cose`, ...dbKeys(dir)]);
    assert.equal(exit, 0);
    assertValidUvm(statement);
    assert.deepEqual(statement.statement, {
      alg: "PS384",
      issuer: ESRP_UVM_ISSUER,
      subject: "ContainerPlat-AMD-UVM",
      svn: 104,
      iat: "2025-12-22T21:11:27Z",
      contentType: null,
      payloadHashAlg: "SHA-384",
      preimageContentType: "application/octet-stream",
    });
    assert.deepEqual(statement.identity, { valid: true, did: ESRP_UVM_ISSUER });
  },
);

vectorTest(
  "verify -v prints the uvm_0.2.10.cose receipt with its registration, signing txid and entry URL",
  async (dir) => {
    const { exit, stdout } = await cli(...["verify", `${dir}/mst/esrp-cts-db/uvm_0.2.10.cose`, ...dbKeys(dir), "-v"]);
    assert.equal(exit, 0);
    const receipt = stdout.indexOf(
      `  receipt 0  valid  ${DB}  registered at 458.12440, signed at 458.12441 (2025-12-22T21:11:28Z)`,
    );
    assert.ok(receipt > 0, stdout.join("\n"));
    assert.deepEqual(stdout.slice(receipt + 1, receipt + 4), [
      `    kid ${KID_DB}, vds 2, ES384, policy: authorized`,
      `    root ${RECEIPT_UVM.root}`,
      `    entry https://${DB}/entries/458.12440`,
    ]);
  },
);

vectorTest(
  "verify accepts uvm_0.2.10.cose with the pyscitt esrp-cts-db.json certificates (2 keys in 8 certificates)",
  async (dir) => {
    const { exit, out, statement } = await verifyOne([
      `${dir}/mst/esrp-cts-db/uvm_0.2.10.cose`,
      ...keysFor(dir, DB, "esrp-cts-db/esrp-cts-db.json"),
    ]);
    assert.equal(exit, 0);
    assertValidUvm(statement);
    assert.deepEqual(out.keys, [{
      file: `${dir}/mst/esrp-cts-db/esrp-cts-db.json`,
      format: "pyscitt-trust-store",
      issuers: [DB],
      added: 2,
      duplicates: 6,
      warnings: [],
    }]);
  },
);

vectorTest("verify accepts uvm_0.2.10.cose with the JWKS derived from the esrp-cts-db certificates", async (dir) => {
  const { exit, out, statement } = await verifyOne([
    `${dir}/mst/esrp-cts-db/uvm_0.2.10.cose`,
    ...keysFor(dir, DB, "derived/esrp-cts-db.derived-from-certs.jwks.json"),
  ]);
  assert.equal(exit, 0);
  assertValidUvm(statement);
  assert.equal(out.keys[0]!.format, "jwks");
  assert.equal(out.keys[0]!.added, 2);
});

vectorTest("verify accepts esrp_transparent_hash_envelop.cose and reports txid 685.17239", async (dir) => {
  const { exit, statement } = await verifyOne([
    `${dir}/mst/esrp-cts-db/esrp_transparent_hash_envelop.cose`,
    ...dbKeys(dir),
  ]);
  assert.equal(exit, 0);
  assert.equal(statement.valid, true);
  assert.equal(statement.digest, DIGEST_ESRP_ENVELOPE);
  assert.deepEqual(statement.receipts, [{
    ...RECEIPT_UVM,
    root: "bf51c4d9f40e6f0815a42928719cff41028b207cd2a4085df109e94a3d39bda0",
    signedTxid: "685.17239",
    registeredTxid: "685.17238",
    entryUrl: `https://${DB}/entries/685.17238`,
    signedAt: "2026-03-26T17:03:28Z",
  }]);
});

vectorTest(
  "verify accepts the signed trust list aci-cc-ttl.ttl.cose with the keys of aci-cc-ttl.ttl.json",
  async (dir) => {
    const { exit, out, statement } = await verifyOne([
      `${dir}/mst/esrp-cts-dev/aci-cc-ttl.ttl.cose`,
      "--keys",
      `${dir}/mst/esrp-cts-dev/aci-cc-ttl.ttl.json`,
    ]);
    assert.equal(exit, 0);
    assert.equal(statement.valid, true);
    assert.equal(statement.digest, "cc669c2a3da681e07a59ae6c3fa6afa02b23c47563c4b9c6197af8e86fc54822");
    assert.equal(statement.statement.issuer, TRUST_LIST_SIGNER);
    assert.equal(statement.statement.subject, "acidevacr.azurecr.io/internal/aci/aci-cc-ttl");
    assert.equal(statement.statement.contentType, "application/vnd.transparency-trust-list.v1+cose");
    assert.deepEqual(statement.receipts, [{
      index: 0,
      issuer: DEV,
      kid: "dc5e4e671c3acc13fbb1d601ce84531e6a67c7ca003fe89805533471901f04a7",
      vds: 2,
      alg: "ES384",
      valid: true,
      treatment: "authorized",
      root: "d5cf755fae5d79017ae717f9bc0cd9525a2e1067a7243a392f28be11b793b2e2",
      signedTxid: "758.1411836",
      registeredTxid: "758.1411835",
      entryUrl: `https://${DEV}/entries/758.1411835`,
      signedAt: "2026-06-16T17:42:29Z",
    }]);
    assert.deepEqual(out.keys[0]!.issuers, [CP, DB, DEV]);
    assert.equal(out.keys[0]!.format, "issuer-jwks");
    assert.equal(out.keys[0]!.added, 11);
  },
);

vectorTest(
  "verify accepts the SDK transparent_statement.cose with foo.bar.com keys and warns it has no subject",
  async (dir) => {
    const { exit, statement } = await verifyOne([
      `${dir}/mst/sdk-foo.bar.com/transparent_statement.cose`,
      ...sdkKeys(dir),
    ]);
    assert.equal(exit, 0);
    assert.equal(statement.valid, true);
    assert.equal(statement.digest, "f6c0f10fd3d72184faa2624ba18570b7c2370e9e36cae2962c214ca7bcf674dc");
    assert.equal(statement.statement.alg, "ES256");
    assert.equal(statement.statement.contentType, "application/json");
    assert.equal(statement.statement.subject, null);
    assert.deepEqual(statement.receipts, [RECEIPT_SDK]);
    assert.deepEqual(statement.warnings, ["The statement has no subject (CWT sub)"]);
  },
);

// --- Signed trust lists as key sources -----------------------------------------------------------------------

vectorTest(
  "verify loads aci-cc-ttl.ttl.cose as --keys after aci-cc-ttl.ttl.json and then accepts uvm_0.2.10.cose",
  async (dir) => {
    const { exit, out, statement } = await verifyOne([
      `${dir}/mst/esrp-cts-db/uvm_0.2.10.cose`,
      "--keys",
      `${dir}/mst/esrp-cts-dev/aci-cc-ttl.ttl.json`,
      "--keys",
      `${dir}/mst/esrp-cts-dev/aci-cc-ttl.ttl.cose`,
      "--trust-list-signer",
      TRUST_LIST_SIGNER,
    ]);
    assert.equal(exit, 0);
    assertValidUvm(statement);
    assert.deepEqual(out.keys[1], {
      file: `${dir}/mst/esrp-cts-dev/aci-cc-ttl.ttl.cose`,
      format: "signed-trust-list",
      issuers: [DB, CP, DEV],
      added: 0,
      duplicates: 11,
      warnings: [],
    });
  },
);

vectorTest(
  "verify takes the esrp-cts-db keys from the signed trust list when only esrp-cts-dev keys were given",
  async (dir) => {
    const { exit, out, statement } = await verifyOne([
      `${dir}/mst/esrp-cts-db/uvm_0.2.10.cose`,
      ...keysFor(dir, DEV, "esrp-cts-dev/aci-cc-ttl.ttl.json"),
      "--keys",
      `${dir}/mst/esrp-cts-dev/aci-cc-ttl.ttl.cose`,
      "--trust-list-signer",
      TRUST_LIST_SIGNER,
    ]);
    assert.equal(exit, 0);
    assertValidUvm(statement);
    assert.deepEqual(out.keys.map((k) => [k.format, k.issuers, k.added, k.duplicates]), [
      ["issuer-jwks", [DEV], 8, 0],
      ["signed-trust-list", [DB, CP, DEV], 3, 8],
    ]);
  },
);

vectorTest("verify refuses a signed trust list whose signer was not given with --trust-list-signer", async (dir) => {
  const list = `${dir}/mst/esrp-cts-dev/aci-cc-ttl.ttl.cose`;
  const { exit, stdout, stderr } = await cli(...[
    "verify",
    `${dir}/mst/esrp-cts-db/uvm_0.2.10.cose`,
    "--keys",
    `${dir}/mst/esrp-cts-dev/aci-cc-ttl.ttl.json`,
    "--keys",
    list,
  ]);
  assert.equal(exit, 1);
  assert.deepEqual(stdout, []);
  assert.deepEqual(stderr, [
    `scitt-audit: Cannot trust the keys in ${list}: its signer '${TRUST_LIST_SIGNER}' is not an accepted trust list signer`,
  ]);
});

// --- Genuine and derived negatives -----------------------------------------------------------------------------

vectorTest(
  "verify rejects the grafted receipt with a claim digest mismatch although its signature is valid",
  async (dir) => {
    const { exit, statement } = await verifyOne([`${dir}/mst/negative/esrp_with_grafted_receipt.cose`, ...cpKeys(dir)]);
    assert.equal(exit, 1);
    assert.equal(statement.valid, false);
    assert.equal(statement.digest, DIGEST_ESRP_ENVELOPE);
    assert.equal(statement.signature.valid, true);
    const mismatch =
      `Claim digest mismatch: 6afc5d0ab3491b587a3357f3bae2f48453e47938d2125223ec9bac1e147838cf != ${DIGEST_ESRP_ENVELOPE}`;
    assert.deepEqual(statement.receipts, [{
      index: 0,
      issuer: CP,
      kid: KID_CP,
      vds: 2,
      alg: "ES384",
      valid: false,
      treatment: "authorized",
      root: "2bb9a7912d52634511287ef38ff7c4fee668250a1bd1f4bebeaa892ea1fa473c",
      signedTxid: "609.10601",
      registeredTxid: "609.10600",
      entryUrl: `https://${CP}/entries/609.10600`,
      signedAt: "2025-11-25T21:18:07Z",
      error: { code: "RECEIPT_CLAIMS_DIGEST_MISMATCH", message: mismatch },
    }]);
    assert.deepEqual(statement.error, {
      code: "RECEIPT_POLICY_FAILED",
      message:
        `Multiple verification failures: ${mismatch}; A receipt from the required domain '${CP}' failed verification.`,
    });
  },
);

vectorTest(
  "verify rejects 1ts-tampered-receipt-signature.scitt: receipt signature fails over the genuine root",
  async (dir) => {
    const { exit, statement } = await verifyOne([
      `${dir}/mst/derived/1ts-tampered-receipt-signature.scitt`,
      ...cpKeys(dir),
    ]);
    assert.equal(exit, 1);
    assert.equal(statement.digest, DIGEST_1TS);
    assert.equal(statement.signature.valid, true);
    assert.deepEqual(statement.receipts, [{
      ...RECEIPT_1TS,
      valid: false,
      error: { code: "RECEIPT_SIGNATURE_INVALID", message: "Signature verification failed." },
    }]);
    assert.deepEqual(statement.error, {
      code: "RECEIPT_POLICY_FAILED",
      message:
        `Multiple verification failures: Signature verification failed.; A receipt from the required domain '${CP}' failed verification.`,
    });
  },
);

vectorTest(
  "verify rejects 1ts-tampered-payload.scitt: statement signature fails and the digest no longer matches",
  async (dir) => {
    const { exit, statement } = await verifyOne([`${dir}/mst/derived/1ts-tampered-payload.scitt`, ...cpKeys(dir)]);
    assert.equal(exit, 1);
    const tampered = "5c595d10c78a240394c7ee47cb2126bc7a67e82ef95c6b94e6b7efa2e12d7e9e";
    assert.equal(statement.digest, tampered);
    assert.deepEqual(statement.error, {
      code: "COSE_SIGNATURE_INVALID",
      message: "Statement signature does not verify with the x5chain leaf key",
    });
    assert.equal(statement.signature.valid, false);
    assert.deepEqual(statement.receipts[0]!.error, {
      code: "RECEIPT_CLAIMS_DIGEST_MISMATCH",
      message: `Claim digest mismatch: ${DIGEST_1TS} != ${tampered}`,
    });
  },
);

vectorTest(
  "verify rejects 1ts-tampered-proof-path-direction.scitt: the flipped path folds to root 6ea06e4f",
  async (dir) => {
    const { exit, statement } = await verifyOne([
      `${dir}/mst/derived/1ts-tampered-proof-path-direction.scitt`,
      ...cpKeys(dir),
    ]);
    assert.equal(exit, 1);
    assert.equal(statement.signature.valid, true);
    assert.deepEqual(statement.receipts, [{
      ...RECEIPT_1TS,
      valid: false,
      root: "6ea06e4fb5db47a2c12bc155fffbbb3b3df66fbb58e141c20beac27a91f097ed",
      error: { code: "RECEIPT_SIGNATURE_INVALID", message: "Signature verification failed." },
    }]);
  },
);

vectorTest("verify rejects 1ts-tampered-receipt-issuer.scitt: no keys for the forged issuer", async (dir) => {
  const evil = "evil.confidential-ledger.azure.com";
  const { exit, statement } = await verifyOne([`${dir}/mst/derived/1ts-tampered-receipt-issuer.scitt`, ...cpKeys(dir)]);
  assert.equal(exit, 1);
  assert.deepEqual(statement.error, {
    code: "RECEIPT_POLICY_FAILED",
    message: `Receipt issuer '${evil}' is not in the authorized domain list.`,
  });
  assert.equal(statement.receipts[0]!.issuer, evil);
  assert.equal(statement.receipts[0]!.treatment, "rejected-unauthorized");
  assert.deepEqual(statement.receipts[0]!.error, {
    code: "RECEIPT_KEY_NOT_FOUND",
    message:
      `No keys available for issuer '${evil}'. Either offline keys are not configured or network fallback is disabled.`,
  });
});

vectorTest(
  "verify rejects 1ts-tampered-receipt-issuer.scitt even when the forged issuer is given the genuine key",
  async (dir) => {
    const evil = "evil.confidential-ledger.azure.com";
    const { exit, statement } = await verifyOne([
      `${dir}/mst/derived/1ts-tampered-receipt-issuer.scitt`,
      ...keysFor(dir, evil, "esrp-cts-cp/esrp_cp_ledger_pub_keys.json"),
    ]);
    assert.equal(exit, 1);
    assert.equal(statement.receipts[0]!.valid, false);
    assert.deepEqual(statement.receipts[0]!.error, {
      code: "RECEIPT_SIGNATURE_INVALID",
      message: "Signature verification failed.",
    });
  },
);

vectorTest(
  "verify accepts 1ts-extra-unprotected-header.scitt: the unprotected header is not in the digest",
  async (dir) => {
    const { exit, statement } = await verifyOne([
      `${dir}/mst/derived/1ts-extra-unprotected-header.scitt`,
      ...cpKeys(dir),
    ]);
    assert.equal(exit, 0);
    assert.equal(statement.digest, DIGEST_1TS);
    assert.deepEqual(statement.receipts, [RECEIPT_1TS]);
  },
);

vectorTest("verify accepts 1ts-duplicate-receipt.scitt and verifies both copies", async (dir) => {
  const { exit, statement } = await verifyOne([`${dir}/mst/derived/1ts-duplicate-receipt.scitt`, ...cpKeys(dir)]);
  assert.equal(exit, 0);
  assert.deepEqual(statement.receipts, [RECEIPT_1TS, { ...RECEIPT_1TS, index: 1 }]);
});

vectorTest("verify rejects 1ts-empty-receipts-array.scitt with the SDK message", async (dir) => {
  const { exit, statement } = await verifyOne([`${dir}/mst/derived/1ts-empty-receipts-array.scitt`, ...cpKeys(dir)]);
  assert.equal(exit, 1);
  assert.deepEqual(statement.error, {
    code: "RECEIPTS_MISSING",
    message: "No receipts found in the transparent statement.",
  });
  assert.deepEqual(statement.receipts, []);
});

vectorTest("verify rejects 1ts-no-receipts.cose: embedded receipts not found", async (dir) => {
  const { exit, statement } = await verifyOne([`${dir}/mst/derived/1ts-no-receipts.cose`, ...cpKeys(dir)]);
  assert.equal(exit, 1);
  assert.deepEqual(statement.error, {
    code: "RECEIPTS_MISSING",
    message: "Embedded receipts not found in transparent statement.",
  });
  assert.equal(statement.digest, DIGEST_1TS);
  assert.equal(statement.signature.valid, true);
});

vectorTest("verify accepts 1ts-untagged.scitt by hashing the tagged form, with a warning", async (dir) => {
  const { exit, statement } = await verifyOne([`${dir}/mst/derived/1ts-untagged.scitt`, ...cpKeys(dir)]);
  assert.equal(exit, 0);
  assert.equal(statement.valid, true);
  assert.equal(statement.digest, DIGEST_1TS);
  assert.deepEqual(statement.receipts, [RECEIPT_1TS]);
  assert.deepEqual(statement.warnings, [
    "The statement has no COSE_Sign1 tag (18); its digest is computed over the tagged form",
  ]);
});

vectorTest("verify rejects the pre-2025 legacy CCF receipt as malformed input (exit 3)", async (dir) => {
  const { exit, statement } = await verifyOne([`${dir}/mst/legacy/cts-hashv-cwtclaims-b64url.cose`, ...cpKeys(dir)]);
  assert.equal(exit, 3);
  const legacy = {
    code: "RECEIPT_LEGACY_FORMAT",
    message: "Cannot verify receipt 0: legacy CCF receipt format (pre-2025, not a COSE_Sign1) is not supported",
  };
  assert.deepEqual(statement.error, legacy);
  assert.equal(statement.signature.valid, true);
  assert.equal(statement.receipts[0]!.issuer, "__unknown-issuer::0");
  assert.deepEqual(statement.receipts[0]!.error, legacy);
});

// --- Receipt policy (ccf-receipts §7.3, §10) -------------------------------------------------------------------

vectorTest(
  "verify fails 2ts-statement.scitt under FailIfPresent: the veracity receipt is not authorized",
  async (dir) => {
    const { exit, statement } = await verifyOne([`${dir}/mst/esrp-cts-cp/2ts-statement.scitt`, ...cpKeys(dir)]);
    assert.equal(exit, 1);
    assert.deepEqual(statement.error, {
      code: "RECEIPT_POLICY_FAILED",
      message: "Receipt issuer 'https://github.com/robinbryce/veracity' is not in the authorized domain list.",
    });
    assert.deepEqual(statement.receipts.map((r) => [r.issuer, r.valid]), [
      [CP, true],
      ["https://github.com/robinbryce/veracity", false],
    ]);
    assert.equal(statement.receipts[1]!.treatment, "rejected-unauthorized");
  },
);

vectorTest(
  "verify accepts 2ts-statement.scitt under IgnoreAll and ignores the unsupported vds 3 receipt",
  async (dir) => {
    const { exit, statement } = await verifyOne([
      `${dir}/mst/esrp-cts-cp/2ts-statement.scitt`,
      ...cpKeys(dir),
      "--unauthorized-receipt-behavior",
      "IgnoreAll",
    ]);
    assert.equal(exit, 0);
    assert.equal(statement.valid, true);
    assert.deepEqual(statement.receipts[0], RECEIPT_1TS);
    assert.deepEqual(statement.receipts[1], {
      index: 1,
      issuer: "https://github.com/robinbryce/veracity",
      kid: "location:robinbryce/version1",
      vds: 3,
      alg: "ES256",
      valid: false,
      treatment: "ignored",
      root: null,
      signedTxid: null,
      registeredTxid: null,
      entryUrl: null,
      signedAt: null,
      error: {
        code: "RECEIPT_UNSUPPORTED_VDS",
        message: "Unsupported receipt type (vds 3): Verifiable Data Structure is not CCF or RFC9162_SHA256.",
      },
    });
  },
);

vectorTest("verify fails 2ts-statement.scitt under VerifyAll: the vds 3 receipt cannot be verified", async (dir) => {
  const { exit, statement } = await verifyOne([
    `${dir}/mst/esrp-cts-cp/2ts-statement.scitt`,
    ...cpKeys(dir),
    "--unauthorized-receipt-behavior",
    "VerifyAll",
  ]);
  assert.equal(exit, 1);
  assert.deepEqual(statement.error, {
    code: "RECEIPT_POLICY_FAILED",
    message: "Unsupported receipt type (vds 3): Verifiable Data Structure is not CCF or RFC9162_SHA256.",
  });
  assert.deepEqual(statement.receipts.map((r) => [r.valid, r.treatment]), [
    [true, "authorized"],
    [false, "unauthorized-verified"],
  ]);
});

/** The .NET CodeTransparencyClientUnitTests option sets on transparent_statement.cose (ccf-receipts §7.3). */
const SDK_POLICY_CASES: readonly { options: string[]; exit: number; message?: string }[] = [
  {
    options: ["--authorized-domains", "wetrustsomethingelse.com", "--unauthorized-receipt-behavior", "IgnoreAll"],
    exit: 1,
    message: "No valid receipts found for any authorized issuer domain.",
  },
  {
    options: [
      "--authorized-domains",
      "foo.bar.com,wetrustsomethingelse.com",
      "--authorized-receipt-behavior",
      "RequireAll",
      "--unauthorized-receipt-behavior",
      "IgnoreAll",
    ],
    exit: 1,
    message: "No valid receipt found for a required domain 'wetrustsomethingelse.com'.",
  },
  {
    options: [
      "--authorized-domains",
      "foo.bar.com,doesnotexist.com",
      "--authorized-receipt-behavior",
      "VerifyAnyMatching",
      "--unauthorized-receipt-behavior",
      "IgnoreAll",
    ],
    exit: 0,
  },
  {
    options: ["--authorized-domains="],
    exit: 1,
    message: "Receipt issuer 'foo.bar.com' is not in the authorized domain list.",
  },
];

for (const { options, exit, message } of SDK_POLICY_CASES) {
  vectorTest(
    `verify gives the .NET unit-test outcome for transparent_statement.cose with ${options.join(" ")}: ${
      message ?? "valid"
    }`,
    async (dir) => {
      const result = await verifyOne([
        `${dir}/mst/sdk-foo.bar.com/transparent_statement.cose`,
        ...sdkKeys(dir),
        ...options,
      ]);
      assert.equal(result.exit, exit);
      assert.deepEqual(result.statement.error, message ? { code: "RECEIPT_POLICY_FAILED", message } : undefined);
      assert.equal(result.statement.receipts[0]!.valid, true);
      assert.equal(result.out.policy.authorizedDomainsFrom, "option");
    },
  );
}

vectorTest(
  "verify with --authorized-domains= and IgnoreAll refuses to verify nothing, with the SDK message",
  async (dir) => {
    const { exit, statement } = await verifyOne([
      `${dir}/mst/sdk-foo.bar.com/transparent_statement.cose`,
      ...sdkKeys(dir),
      "--authorized-domains=",
      "--unauthorized-receipt-behavior",
      "IgnoreAll",
    ]);
    assert.equal(exit, 1);
    assert.deepEqual(statement.error, {
      code: "RECEIPT_POLICY_FAILED",
      message:
        "No receipts would be verified as no authorized domains were provided and the unauthorized receipt behavior is set to ignore all.",
    });
  },
);

vectorTest(
  "verify reports the foo.bar.com receipt key as not found with jwks_claim_digest_mismatch.json",
  async (dir) => {
    const { exit, statement } = await verifyOne([
      `${dir}/mst/sdk-foo.bar.com/transparent_statement.cose`,
      ...keysFor(dir, "foo.bar.com", "sdk-foo.bar.com/jwks_claim_digest_mismatch.json"),
    ]);
    assert.equal(exit, 1);
    assert.deepEqual(statement.receipts, [{
      ...RECEIPT_SDK,
      valid: false,
      error: { code: "RECEIPT_KEY_NOT_FOUND", message: `Key with ID '${KID_SDK}' not found.` },
    }]);
  },
);

vectorTest("verifyTransparentStatement() reports an empty inclusion-proof array with the SDK message", async (dir) => {
  const source = decodeCoseSign1(readVector(dir, "mst/sdk-foo.bar.com/transparent_statement.cose"));
  const receipt = decodeCoseSign1((source.unprotectedHeader.get(HEADER.RECEIPTS) as Uint8Array[])[0]!);
  const tag18 = new Uint8Array([0xd2, 0x84]);
  const noProofs = concat([
    tag18,
    receipt.raw.protected,
    new Uint8Array([0xa1, 0x19, 0x01, 0x8c, 0xa1, 0x20, 0x80]), // {396: {-1: []}}
    receipt.raw.payload,
    receipt.raw.signature,
  ]);
  const statement = concat([
    tag18,
    source.raw.protected,
    new Uint8Array([0xa1, 0x19, 0x01, 0x8a, 0x81]), // {394: [bstr]}
    bstrHeader(noProofs.length),
    noProofs,
    source.raw.payload,
    source.raw.signature,
  ]);
  const trustStore = new TrustStore();
  await importKeySet(trustStore, readVector(dir, "mst/sdk-foo.bar.com/jwks_kid_mismatch.json"), {
    name: "jwks_kid_mismatch.json",
    issuer: "foo.bar.com",
  });
  const report = await verifyTransparentStatement(statement, {
    trustStore,
    policy: { ...DEFAULT_RECEIPT_POLICY, authorizedDomains: ["foo.bar.com"] },
  });
  assert.equal(report.valid, false);
  assert.equal(report.signature.valid, true);
  assert.deepEqual(report.receipts[0]!.error, {
    code: "RECEIPT_PROOF_INVALID",
    message: "At least one inclusion proof is required.",
  });
});

vectorTest("verify loads the 1ts JWKS with 6 copies of one key as 1 added and 5 already trusted", async (dir) => {
  const jwks = "esrp-cts-cp/esrp-cts-cp.confidential-ledger.azure.com.jwks.json";
  const { exit, out, statement } = await verifyOne([
    `${dir}/mst/esrp-cts-cp/1ts-statement.scitt`,
    ...keysFor(dir, CP, jwks),
  ]);
  assert.equal(exit, 0);
  assert.deepEqual(statement.receipts, [RECEIPT_1TS]);
  assert.deepEqual(out.keys, [{
    file: `${dir}/mst/${jwks}`,
    format: "jwks",
    issuers: [CP],
    added: 1,
    duplicates: 5,
    warnings: [],
  }]);
  const verbose = await cli(...[
    "verify",
    `${dir}/mst/esrp-cts-cp/1ts-statement.scitt`,
    ...keysFor(dir, CP, jwks),
    "-v",
  ]);
  assert.equal(verbose.stdout[0], `keys: ${dir}/mst/${jwks} (jwks) for ${CP}: 1 added, 5 already trusted`);
});

// --- inspect and didx509 ---------------------------------------------------------------------------------------

vectorTest("inspect --json shows the detached SDK receipt.cose with its empty iss and sub", async (dir) => {
  const file = `${dir}/mst/sdk-foo.bar.com/receipt.cose`;
  const { exit, stdout, stderr } = await cli(...["inspect", file, "--json"]);
  assert.equal(exit, 0);
  assert.deepEqual(stderr, []);
  const out = JSON.parse(stdout[0]!);
  assert.equal(out.file, file);
  assert.equal(out.kind, "receipt");
  assert.equal(out.tagged, true);
  assert.deepEqual(out.protected, {
    "1 (alg)": "ES384 (-35)",
    "4 (kid)": "87d64669f1c5988e28f22da4f3526334de860ad2395a71a735de59f9ec3aa662",
    "395 (vds)": "CCF_LEDGER_SHA256 (2)",
    "15 (CWT claims)": { "6 (iat)": "1742386100 (2025-03-19T12:08:20Z)", "1 (iss)": "", "2 (sub)": "" },
    "ccf.v1": { txid: "8.199" },
  });
  const proofs = out.unprotected["396 (vdp)"]["-1 (inclusion proofs)"];
  assert.equal(proofs.length, 1);
  assert.equal(proofs[0].leaf.dataHash, "79bd066b62d71d851c7b76b6e9798abac6445d50ab88f732a0c59960cf8a2781");
  assert.equal(
    proofs[0].leaf.internalEvidence,
    "ce:8.198:b7356a623a8cbbc1c1e9935475de3b9aeedaa011a34919f9445826c6261fa8b9",
  );
  assert.equal(proofs[0].path.length, 4);
  assert.deepEqual(out.payload, { detached: true, length: 0 });
  assert.equal(out.signature.length, 192);
});

vectorTest("inspect --json shows uvm_0.2.10.cose: claims, x5chain, x5t, payload and its receipt", async (dir) => {
  const file = `${dir}/mst/esrp-cts-db/uvm_0.2.10.cose`;
  const { exit, stdout, stderr } = await cli(...["inspect", file, "--json"]);
  assert.equal(exit, 0);
  assert.deepEqual(stderr, []);
  assert.equal(stdout.length, 1);
  const out = JSON.parse(stdout[0]!);
  assert.equal(out.kind, "transparent statement");
  assert.equal(out.tagged, true);
  assert.equal(out.protected["1 (alg)"], "PS384 (-38)");
  assert.deepEqual(out.protected["15 (CWT claims)"], {
    "1 (iss)": ESRP_UVM_ISSUER,
    "2 (sub)": "ContainerPlat-AMD-UVM",
    "6 (iat)": "1766437887 (2025-12-22T21:11:27Z)",
    svn: 104,
  });
  assert.deepEqual(out.protected["33 (x5chain)"].map((c: { subject: string }) => c.subject), [
    "CN=ContainerPlat,O=Microsoft Corporation,L=Redmond,ST=Washington,C=US",
    "CN=Microsoft SCD Products RSA CA,O=Microsoft Corporation,C=US",
    "CN=Microsoft Supply Chain RSA Root CA 2022,O=Microsoft Corporation,C=US",
  ]);
  // x5t = SHA-256 of the leaf certificate (checked independently with Python)
  assert.deepEqual(out.protected["34 (x5t)"], [
    -16,
    "e25f424e938dd67584aaf63b98f4d9fddd6a3ca7a830490584fb72470dc0a63a",
  ]);
  assert.equal(out.protected["258 (payload hash alg)"], -43);
  assert.equal(out.protected["259 (preimage content type)"], "application/octet-stream");
  assert.equal(out.payload.length, 48);
  assert.equal(out.receipts.length, 1);
  const receipt = out.receipts[0];
  assert.equal(receipt.kind, "receipt");
  assert.equal(receipt.protected["4 (kid)"], KID_DB);
  assert.deepEqual(receipt.protected["ccf.v1"], { txid: "458.12441" });
  const proof = receipt.unprotected["396 (vdp)"]["-1 (inclusion proofs)"][0];
  assert.equal(proof.leaf.dataHash, "a60138fb1591fe6c433b41128b0349cf3636bce74fc8c2e7140bc13b74612649");
  assert.equal(proof.leaf.internalEvidence.slice(0, 13), "ce:458.12440:");
  assert.equal(proof.path.length, 5);
});

const MS_CODE_SIGNING_DID =
  "did:x509:0:sha256:hH32p4SXlD8n_HLrk_mmNzIKArVh0KkbCeh6eAftfGE::subject:CN:Microsoft%20Corporation";
/** The leaf's RSA modulus, base64url (read independently with openssl). */
const MS_CODE_SIGNING_N =
  "s9HduD2rvmO-SGksB4HR-qvSK379St8NnUZBH8xBiQvt2zONOLUHWQibeBW4NLUfHfzMaOM77RhNlqPNiDRKhChlG1aHqEHSAaQBGrmr0ULGIzq-1YvqQufMGYBFfq0sc10UdvWqT0RjwkPQTu4bjg37zSYF9OcGxS9uGnPMdWRM0ThOsYUcDmMoCaJRebsLUBpMmYXkcUYXJrcSGAaUNd0wjhwIpEogOD-AbWW_7TPZOl-JciMj40a78EEXIc2p06lWHfe5hegQ7uGIlSAPG6zDzjhjNkzE63_-GoqJU-6QLazbL5_y27ZDUAEYJokbb305A-dOp930CjTar3BvWQ";

vectorTest(
  "didx509 --json resolves the Microsoft code-signing root-pinned DID against ms-code-signing.pem",
  async (dir) => {
    const { exit, stdout, stderr } = await cli(...[
      "didx509",
      MS_CODE_SIGNING_DID,
      `${dir}/mst/didx509/ms-code-signing.pem`,
      "--json",
    ]);
    assert.equal(exit, 0);
    assert.deepEqual(stderr, []);
    const method = `${MS_CODE_SIGNING_DID}#0`;
    assert.deepEqual(JSON.parse(stdout[0]!), {
      did: MS_CODE_SIGNING_DID,
      valid: true,
      document: {
        "@context": "https://www.w3.org/ns/cid/v1",
        id: MS_CODE_SIGNING_DID,
        verificationMethod: [{
          id: method,
          type: "JsonWebKey",
          controller: MS_CODE_SIGNING_DID,
          publicKeyJwk: { kty: "RSA", n: MS_CODE_SIGNING_N, e: "AQAB" },
        }],
        authentication: [method],
        assertionMethod: [method],
        keyAgreement: [method],
      },
    });
  },
);

vectorTest("didx509 refuses a DID pinned to the leaf of ms-code-signing.pem", async (dir) => {
  const did = "did:x509:0:sha256:UXBZJ2K9iZ6KYBN7WzuRXxqz-3CB2nKpuhEYghJPDww::subject:CN:Microsoft%20Corporation";
  const { exit, stdout } = await cli(...["didx509", did, `${dir}/mst/didx509/ms-code-signing.pem`, "--json"]);
  assert.equal(exit, 1);
  assert.deepEqual(JSON.parse(stdout[0]!), {
    did,
    valid: false,
    error: { code: "DIDX509_INVALID", message: "CA fingerprint does not match the certificate chain." },
  });
});
