/**
 * Self-contained verification tests on the generated fixtures (no ../shared needed): every statement, receipt,
 * key file and policy case in fixtures/mst/expected.json gives exactly the recorded result.
 */
import assert from "node:assert/strict";
import { toHex } from "../core/bytes.ts";
import { decodeCoseSign1 } from "../core/cose/sign1.ts";
import { verifyCcfReceipt } from "../core/receipts/ccf.ts";
import { importKeySet } from "../core/trust/import_keys.ts";
import type { ReceiptPolicy } from "../core/receipts/policy.ts";
import { TrustStore } from "../core/receipts/trust_store.ts";
import { claimsDigest, verifyTransparentStatement } from "../core/statement/mod.ts";

const ROOT = new URL("../fixtures/mst/", import.meta.url);
const read = (path: string) => Deno.readFileSync(new URL(path, ROOT));

interface ExpectedReceipt {
  issuer: string;
  kid: string;
  alg: string;
  signedAt: string;
  signedTxid: string;
  registrationTxid: string;
  entryUrl: string;
  root: string;
  result: string;
  message: string | null;
  verifiesWith: string[];
  statement?: string;
}
interface ExpectedStatement {
  digest: string;
  alg: string;
  issuer: string;
  subject: string;
  svn: number;
  issuedAt: string;
  contentType: string | null;
  payloadHashAlg: number | null;
  preimageContentType: string | null;
  result: string;
  receipts: ExpectedReceipt[];
}
interface ExpectedPolicy {
  statement: string;
  keyFiles: string[];
  authorizedDomains: string[];
  authorizedReceiptBehavior: ReceiptPolicy["authorizedReceiptBehavior"];
  unauthorizedReceiptBehavior: ReceiptPolicy["unauthorizedReceiptBehavior"];
  result: "pass" | "fail";
  messages: string[];
}
const expected: {
  issuer: string;
  statements: Record<string, ExpectedStatement>;
  receipts: Record<string, ExpectedReceipt>;
  policies: ExpectedPolicy[];
} = JSON.parse(new TextDecoder().decode(read("expected.json")));

const ALL_KEYS = ["keys/ledger.contoso.example.jwks.json", "keys/ledger.fabrikam.example.jwks.json"];

async function storeWith(files: readonly string[]): Promise<TrustStore> {
  const store = new TrustStore();
  for (const file of files) {
    const host = file.match(/keys\/(ledger\.[a-z]+\.example)\./)?.[1];
    await importKeySet(store, read(file), {
      name: file,
      ...(host ? { issuer: host } : {}),
      acceptedSigners: [expected.issuer],
    });
  }
  return store;
}

const authorizeAll = (store: TrustStore): ReceiptPolicy => ({
  authorizedDomains: store.issuers(),
  authorizedReceiptBehavior: "VerifyAllMatching",
  unauthorizedReceiptBehavior: "FailIfPresent",
});

Deno.test("verifyTransparentStatement() gives every fixture statement its recorded result and facts", async (t) => {
  const store = await storeWith(ALL_KEYS);
  for (const [path, want] of Object.entries(expected.statements)) {
    await t.step(path, async () => {
      const report = await verifyTransparentStatement(read(path), { trustStore: store, policy: authorizeAll(store) });
      assert.equal(report.digest, want.digest);
      assert.equal(report.statement.alg, want.alg);
      assert.equal(report.statement.issuer, want.issuer);
      assert.equal(report.statement.subject, want.subject);
      assert.equal(report.statement.svn, want.svn);
      assert.equal(report.statement.iatIso, want.issuedAt);
      assert.equal(report.statement.contentType ?? null, want.contentType);
      assert.equal(
        report.statement.payloadHashAlg ?? null,
        want.payloadHashAlg === -16 ? "SHA-256" : want.payloadHashAlg,
      );
      assert.equal(report.statement.preimageContentType ?? null, want.preimageContentType);
      if (want.result === "valid") {
        assert.equal(report.valid, true, JSON.stringify(report.error));
      } else if (want.result.startsWith("RECEIPT_")) {
        assert.equal(report.valid, false);
        assert.equal(report.error?.code, "RECEIPT_POLICY_FAILED");
        assert.equal(report.receipts[0]?.error?.code, want.result);
      } else {
        assert.equal(report.error?.code, want.result);
      }
      assert.equal(report.receipts.length, want.receipts.length);
      want.receipts.forEach((w, i) => {
        const r = report.receipts[i]!;
        assert.equal(r.issuer, w.issuer);
        assert.equal(r.kid, w.kid);
        assert.equal(r.alg, w.alg);
        assert.equal(r.signedAt, w.signedAt);
        assert.equal(r.signedTxid, w.signedTxid);
        assert.equal(r.registeredTxid, w.registrationTxid);
        assert.equal(r.entryUrl, w.entryUrl);
        assert.equal(r.root, w.root);
        assert.equal(r.valid, w.result === "valid");
        if (w.result !== "valid") {
          assert.equal(r.error?.code, w.result);
          if (w.message) assert.equal(r.error?.message, w.message);
        }
      });
    });
  }
});

Deno.test("verifyTransparentStatement() verifies each receipt with every key file that holds its key", async (t) => {
  for (const [path, want] of Object.entries(expected.statements)) {
    for (const [i, w] of want.receipts.entries()) {
      if (w.result !== "valid") continue;
      for (const file of w.verifiesWith) {
        await t.step(`${path} receipt ${i} with ${file}`, async () => {
          const files = file === "keys/trust-list.cose" ? ["keys/ledger.contoso.example.jwks.json", file] : [file];
          const store = await storeWith(files);
          const report = await verifyTransparentStatement(read(path), {
            trustStore: store,
            policy: { ...authorizeAll(store), authorizedDomains: [w.issuer], unauthorizedReceiptBehavior: "IgnoreAll" },
          });
          assert.equal(report.receipts[i]?.valid, true, JSON.stringify(report.receipts[i]?.error));
        });
      }
    }
  }
});

Deno.test("evaluateReceiptPolicy() gives each fixture policy case its recorded messages", async (t) => {
  for (const [n, c] of expected.policies.entries()) {
    await t.step(
      `case ${n}: ${c.authorizedReceiptBehavior} / ${c.unauthorizedReceiptBehavior} on ${c.statement}`,
      async () => {
        const store = await storeWith(c.keyFiles);
        const report = await verifyTransparentStatement(read(c.statement), {
          trustStore: store,
          policy: {
            authorizedDomains: c.authorizedDomains,
            authorizedReceiptBehavior: c.authorizedReceiptBehavior,
            unauthorizedReceiptBehavior: c.unauthorizedReceiptBehavior,
          },
        });
        assert.equal(report.policy.ok, c.result === "pass");
        assert.deepEqual(report.policy.failures, c.messages);
      },
    );
  }
});

Deno.test("verifyCcfReceipt() verifies the detached fixture receipt against its signed statement", async () => {
  for (const [path, w] of Object.entries(expected.receipts)) {
    const store = await storeWith(["keys/ledger.contoso.example.jwks.json"]);
    const statement = decodeCoseSign1(read(w.statement!));
    const receipt = decodeCoseSign1(read(path), { requireTag: true });
    const digest = await claimsDigest(statement);
    await verifyCcfReceipt(receipt, store.find(w.issuer, w.kid)!, digest);
    await assert.rejects(
      verifyCcfReceipt(receipt, store.find(w.issuer, w.kid)!, new Uint8Array(32)),
      (error: Error) => error.message === `Claim digest mismatch: ${toHex(digest)} != ${"00".repeat(32)}`,
    );
  }
});
