import assert from "node:assert/strict";
import { fromBase64 } from "../bytes.ts";
import { AuditError, VerificationError } from "../errors.ts";
import { parseCertificates, parseDidX509, resolveDidX509 } from "./mod.ts";
import { readVector, vectorTest } from "../../tests/_vectors.ts";

interface DidX509Vector {
  readonly id: string;
  readonly input: { readonly did: string; readonly chain: readonly string[] };
  readonly output: { readonly document: unknown } | { readonly error: string };
}

const MS_CODE_SIGNING_DID =
  "did:x509:0:sha256:hH32p4SXlD8n_HLrk_mmNzIKArVh0KkbCeh6eAftfGE::subject:CN:Microsoft%20Corporation";

function loadVectors(dir: string): DidX509Vector[] {
  return JSON.parse(new TextDecoder().decode(readVector(dir, "mst/didx509/test-vectors.json")));
}

function vectorChain(vectors: readonly DidX509Vector[], id: string): Uint8Array[] {
  const vector = vectors.find((v) => v.id === id);
  assert.ok(vector, `vector ${id} exists`);
  return vector.input.chain.map(fromBase64);
}

async function rejection(promise: Promise<unknown>): Promise<AuditError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof AuditError, `expected an AuditError, got ${error}`);
    return error;
  }
  return assert.fail("expected a rejection");
}

vectorTest("resolveDidX509() reproduces every microsoft/did-x509 test vector exactly", async (dir, t) => {
  const vectors = loadVectors(dir);
  assert.equal(vectors.length, 58);
  assert.equal(vectors.filter((v) => "document" in v.output).length, 24);
  assert.equal(vectors.filter((v) => "error" in v.output).length, 34);
  for (const vector of vectors) {
    await t.step(vector.id, async () => {
      const resolution = resolveDidX509(vector.input.did, vector.input.chain.map(fromBase64));
      if ("document" in vector.output) {
        assert.deepEqual((await resolution).document, vector.output.document);
      } else {
        const error = await rejection(resolution);
        const chainError = /^(Certificate chain|Supplied chain)/.test(vector.output.error);
        assert.equal(error.code, chainError ? "X509_CHAIN_INVALID" : "DIDX509_INVALID");
        assert.equal(error.message, vector.output.error);
      }
    });
  }
});

vectorTest("resolveDidX509() resolves the Microsoft code-signing chain to its RSA leaf key", async (dir) => {
  const chain = parseCertificates(readVector(dir, "mst/didx509/ms-code-signing.pem"));
  const { document, did, leaf } = await resolveDidX509(MS_CODE_SIGNING_DID, chain);
  assert.equal(did, MS_CODE_SIGNING_DID);
  assert.equal(leaf, chain[0]);
  assert.equal(document.id, MS_CODE_SIGNING_DID);
  const [method] = document.verificationMethod;
  assert.equal(method.id, `${MS_CODE_SIGNING_DID}#0`);
  assert.equal(method.type, "JsonWebKey");
  assert.equal(method.controller, MS_CODE_SIGNING_DID);
  assert.deepEqual(Object.keys(method.publicKeyJwk), ["kty", "n", "e"]);
  assert.equal(method.publicKeyJwk.kty, "RSA");
  assert.equal(method.publicKeyJwk.e, "AQAB");
  assert.equal(fromBase64(method.publicKeyJwk.n!).length, 256);
  // The leaf has no keyUsage extension, so the key serves every relationship.
  assert.deepEqual(document.authentication, [`${MS_CODE_SIGNING_DID}#0`]);
  assert.deepEqual(document.assertionMethod, [`${MS_CODE_SIGNING_DID}#0`]);
  assert.deepEqual(document.keyAgreement, [`${MS_CODE_SIGNING_DID}#0`]);
});

vectorTest("resolveDidX509() accepts an intermediate's fingerprint and rejects the leaf's", async (dir) => {
  const chain = parseCertificates(readVector(dir, "mst/didx509/ms-code-signing.pem"));
  const intermediate = "did:x509:0:sha256:VtqHIq_ZQGb_4eRZVHOkhUiSuEOggn1T-32PSu7R4Ys::eku:1.3.6.1.5.5.7.3.3";
  assert.equal((await resolveDidX509(intermediate, chain)).did, intermediate);
  const leaf = "did:x509:0:sha256:UXBZJ2K9iZ6KYBN7WzuRXxqz-3CB2nKpuhEYghJPDww::eku:1.3.6.1.5.5.7.3.3";
  assert.equal(
    (await rejection(resolveDidX509(leaf, chain))).message,
    "CA fingerprint does not match the certificate chain.",
  );
});

vectorTest("resolveDidX509() checks validity periods only when validAt is given", async (dir) => {
  const vectors = loadVectors(dir);
  const chain = vectorChain(vectors, "certificate-validity-periods-are-not-checked");
  const did = "did:x509:0:sha256:AxW_2uMZc-Bn8tjYEWsJOZj8OfgQFdoeQuX7G-evxkg::subject:CN:Leaf";
  assert.equal((await resolveDidX509(did, chain)).did, did);
  assert.equal((await resolveDidX509(did, chain, { validAt: new Date("2020-06-01T00:00:00Z") })).did, did);
  const expired = await rejection(resolveDidX509(did, chain, { validAt: new Date("2021-01-01T00:00:01Z") }));
  assert.equal(expired.message, "Certificate chain verification failed: certificate has expired.");
  const early = await rejection(resolveDidX509(did, chain, { validAt: new Date("2019-12-31T23:59:59Z") }));
  assert.equal(early.message, "Certificate chain verification failed: certificate is not yet valid.");
});

vectorTest(
  "resolveDidX509() reports a broken chain as a VerificationError and a bad DID as a plain AuditError",
  async (dir) => {
    const vectors = loadVectors(dir);
    const broken = await rejection(
      resolveDidX509(
        "did:x509:0:sha256:N8jLjQjw2D87FmBM9aJDxXgez1EJO7q8dorCNkBOL7o::subject:CN:Leaf",
        vectorChain(vectors, "broken-signature-is-rejected"),
      ),
    );
    assert.ok(broken instanceof VerificationError);
    const chain = vectorChain(vectors, "root-ca");
    const prefix = await rejection(resolveDidX509("did:web:example.com", chain));
    assert.ok(!(prefix instanceof VerificationError));
    assert.equal(prefix.message, "DID prefix is invalid.");
  },
);

vectorTest("resolveDidX509() reports the first failing predicate when several fail", async (dir) => {
  const chain = vectorChain(loadVectors(dir), "root-ca");
  const did = "did:x509:0:sha256:wB-YrYI1eo_9-9izSw6aviwkdLz4O7-kgrK_VzU4_OA::eku:1.2.3::unknown:x::subject:CN:nope";
  const error = await rejection(resolveDidX509(did, chain));
  assert.equal(error.message, "EKU predicate does not match the certificate.");
});

vectorTest("resolveDidX509() rejects a malformed percent-encoding in a predicate value", async (dir) => {
  const chain = vectorChain(loadVectors(dir), "root-ca");
  const did = "did:x509:0:sha256:wB-YrYI1eo_9-9izSw6aviwkdLz4O7-kgrK_VzU4_OA::subject:CN:example%2";
  const error = await rejection(resolveDidX509(did, chain));
  assert.equal(error.code, "DIDX509_INVALID");
  assert.equal(error.message, "DID contains an invalid percent-encoding.");
});

vectorTest("resolveDidX509() treats a subject key that names an Object prototype member as unknown", async (dir) => {
  const chain = vectorChain(loadVectors(dir), "root-ca");
  const did = "did:x509:0:sha256:wB-YrYI1eo_9-9izSw6aviwkdLz4O7-kgrK_VzU4_OA::subject:constructor:x";
  assert.equal((await rejection(resolveDidX509(did, chain))).message, "Subject predicate contains an unknown key.");
});

Deno.test("parseDidX509() drops the fragment and splits each predicate at its first colon", () => {
  const parsed = parseDidX509(
    "did:x509:0:sha384:abc_-123::san:uri:https%3A%2F%2Fexample.com::fulcio-issuer:issuer.example.com#key-1",
  );
  assert.deepEqual(parsed, {
    did: "did:x509:0:sha384:abc_-123::san:uri:https%3A%2F%2Fexample.com::fulcio-issuer:issuer.example.com",
    algorithm: "sha384",
    fingerprint: "abc_-123",
    predicates: [
      { name: "san", value: "uri:https%3A%2F%2Fexample.com" },
      { name: "fulcio-issuer", value: "issuer.example.com" },
    ],
  });
});

Deno.test("parseDidX509() applies the syntax rules in the spec's order", () => {
  const cases: readonly [string, string][] = [
    ["did:x509:1:sha256:AAAA::eku:1.2", "DID prefix is invalid."],
    ["did:x509:0:md5:AAAA/path?q=1", "DID URL paths are not supported."],
    ["did:x509:0:md5:AAAA?q=/1", "DID URL queries are not supported."],
    ["did:x509:0:md5:AAAA", "Fingerprint algorithm is not supported."],
    ["did:x509:0:sha256:AA+A#::eku:1.2", "DID must contain at least one predicate."],
    ["did:x509:0:sha256:AA+A::eku:1.2", "CA fingerprint must be base64url."],
  ];
  for (const [did, message] of cases) {
    assert.throws(() => parseDidX509(did), (error) => {
      assert.ok(error instanceof AuditError);
      assert.equal(error.code, "DIDX509_INVALID");
      assert.equal(error.message, message, did);
      return true;
    });
  }
});
