import assert from "node:assert/strict";
import { DEFAULT_RECEIPT_POLICY, evaluateReceiptPolicy, type PolicyReceipt, type ReceiptPolicy } from "./policy.ts";

const ok = (issuer: string): PolicyReceipt => ({ issuer, failure: undefined });
const bad = (issuer: string, failure = "Signature verification failed."): PolicyReceipt => ({ issuer, failure });
const policy = (over: Partial<ReceiptPolicy>): ReceiptPolicy => ({ ...DEFAULT_RECEIPT_POLICY, ...over });

Deno.test("evaluateReceiptPolicy() fails with no receipts", () => {
  const d = evaluateReceiptPolicy([], DEFAULT_RECEIPT_POLICY);
  assert.equal(d.message, "No receipts found in the transparent statement.");
});

Deno.test("evaluateReceiptPolicy() with the SDK defaults rejects every receipt as unauthorized", () => {
  const d = evaluateReceiptPolicy([ok("foo.bar.com")], DEFAULT_RECEIPT_POLICY);
  assert.equal(d.ok, false);
  assert.equal(d.message, "Receipt issuer 'foo.bar.com' is not in the authorized domain list.");
  assert.deepEqual(d.treatment, ["rejected-unauthorized"]);
});

Deno.test("evaluateReceiptPolicy() refuses IgnoreAll with no authorized domain", () => {
  const d = evaluateReceiptPolicy([ok("a.example")], policy({ unauthorizedReceiptBehavior: "IgnoreAll" }));
  assert.equal(
    d.message,
    "No receipts would be verified as no authorized domains were provided and the unauthorized receipt behavior is set to ignore all.",
  );
});

Deno.test("evaluateReceiptPolicy() reproduces the .NET unit-test outcomes", () => {
  const receipts = [ok("foo.bar.com")];
  assert.equal(
    evaluateReceiptPolicy(
      receipts,
      policy({ authorizedDomains: ["wetrustsomethingelse.com"], unauthorizedReceiptBehavior: "IgnoreAll" }),
    ).message,
    "No valid receipts found for any authorized issuer domain.",
  );
  assert.equal(
    evaluateReceiptPolicy(
      receipts,
      policy({
        authorizedDomains: ["foo.bar.com", "wetrustsomethingelse.com"],
        authorizedReceiptBehavior: "RequireAll",
        unauthorizedReceiptBehavior: "IgnoreAll",
      }),
    ).message,
    "No valid receipt found for a required domain 'wetrustsomethingelse.com'.",
  );
  assert.equal(
    evaluateReceiptPolicy(
      receipts,
      policy({
        authorizedDomains: ["foo.bar.com", "doesnotexist.com"],
        authorizedReceiptBehavior: "VerifyAnyMatching",
        unauthorizedReceiptBehavior: "IgnoreAll",
      }),
    ).ok,
    true,
  );
});

Deno.test("evaluateReceiptPolicy() VerifyAllMatching fails a domain with one valid and one invalid receipt", () => {
  const d = evaluateReceiptPolicy([ok("a.example"), bad("a.example")], policy({ authorizedDomains: ["a.example"] }));
  assert.equal(d.ok, false);
  assert.deepEqual(d.failures, ["Signature verification failed."]);
  assert.equal(d.message, "Signature verification failed.");
});

Deno.test("evaluateReceiptPolicy() VerifyAllMatching names the domain whose only receipt failed", () => {
  const d = evaluateReceiptPolicy([bad("a.example")], policy({ authorizedDomains: ["a.example"] }));
  assert.equal(
    d.message,
    "Multiple verification failures: Signature verification failed.; A receipt from the required domain 'a.example' failed verification.",
  );
});

Deno.test("evaluateReceiptPolicy() VerifyAnyMatching forgives authorized failures but not unauthorized ones", () => {
  const forgiving = policy({
    authorizedDomains: ["a.example"],
    authorizedReceiptBehavior: "VerifyAnyMatching",
    unauthorizedReceiptBehavior: "VerifyAll",
  });
  assert.equal(evaluateReceiptPolicy([ok("a.example"), bad("a.example")], forgiving).ok, true);
  const d = evaluateReceiptPolicy([ok("a.example"), bad("b.example", "Key with ID 'k' not found.")], forgiving);
  assert.deepEqual(d.failures, ["Key with ID 'k' not found."]);
  assert.deepEqual(d.treatment, ["authorized", "unauthorized-verified"]);
});

Deno.test("evaluateReceiptPolicy() never authorizes an unknown issuer", () => {
  const d = evaluateReceiptPolicy(
    [ok("a.example"), ok("__unknown-issuer::1")],
    policy({ authorizedDomains: ["a.example", "__unknown-issuer::1"], unauthorizedReceiptBehavior: "VerifyAll" }),
  );
  assert.deepEqual(d.failures, ["Cannot verify receipt with unknown issuer '__unknown-issuer::1'."]);
});

Deno.test("evaluateReceiptPolicy() matches domains case-insensitively and collapses duplicates", () => {
  const d = evaluateReceiptPolicy(
    [ok("Ledger.Example")],
    policy({ authorizedDomains: [" ledger.example", "LEDGER.EXAMPLE"], authorizedReceiptBehavior: "RequireAll" }),
  );
  assert.equal(d.ok, true);
});

Deno.test("evaluateReceiptPolicy() IgnoreAll skips unauthorized receipts entirely", () => {
  const d = evaluateReceiptPolicy(
    [ok("a.example"), bad("https://github.com/x/y")],
    policy({ authorizedDomains: ["a.example"], unauthorizedReceiptBehavior: "IgnoreAll" }),
  );
  assert.equal(d.ok, true);
  assert.deepEqual(d.treatment, ["authorized", "ignored"]);
});
