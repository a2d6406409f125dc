import assert from "node:assert/strict";
import { AuditError } from "../errors.ts";
import { toBase64, utf8 } from "../bytes.ts";
import { publicKeyFromJwk } from "../crypto/public_key.ts";
import { importKeySet } from "../trust/import_keys.ts";
import { parseKeySet } from "./key_sets.ts";
import { computeKid, TrustStore } from "./trust_store.ts";

const FIXTURES = new URL("../../fixtures/mst/keys/", import.meta.url);
const read = (name: string) => Deno.readFileSync(new URL(name, FIXTURES));
const CONTOSO = "ledger.contoso.example";
const CONTOSO_KID = "2869c31d9c8252c8ecf14e822d33522d3ec40b55e52b4f81cfbb9fd9dad69c7c";

function rejectsWith(code: string, message: RegExp) {
  return (error: unknown) => {
    assert.ok(error instanceof AuditError, String(error));
    assert.equal(error.code, code);
    assert.match(error.message, message);
    return true;
  };
}

Deno.test("parseKeySet() detects every offline format of the fixture ledgers", () => {
  assert.equal(parseKeySet(read(`${CONTOSO}.jwks.json`), "a").format, "jwks");
  assert.equal(parseKeySet(read(`${CONTOSO}.scitt-keys.cbor`), "b").format, "scitt-keys");
  assert.equal(parseKeySet(read(`${CONTOSO}.trust-store.json`), "c").format, "pyscitt-trust-store");
  const config = parseKeySet(read(`${CONTOSO}.transparency-configuration.cbor`), "d");
  assert.deepEqual(config, {
    format: "transparency-configuration",
    issuer: CONTOSO,
    jwksUri: `https://${CONTOSO}/jwks`,
  });
  assert.equal(parseKeySet(read("trust-list.cose"), "e").format, "signed-trust-list");
});

Deno.test("importKeySet() indexes the same key under the same kid from JWKS, COSE_Key_Set and certificates", async () => {
  for (const file of [`${CONTOSO}.jwks.json`, `${CONTOSO}.scitt-keys.cbor`, `${CONTOSO}.trust-store.json`]) {
    const store = new TrustStore();
    const result = await importKeySet(store, read(file), { name: file, issuer: CONTOSO });
    assert.deepEqual(result.issuers, [CONTOSO], file);
    assert.equal(result.added, 1, file);
    assert.ok(store.find(CONTOSO, CONTOSO_KID), file);
  }
});

Deno.test("importKeySet() requires the issuer for formats that do not name it", async () => {
  await assert.rejects(
    importKeySet(new TrustStore(), read(`${CONTOSO}.jwks.json`), { name: "k.json" }),
    rejectsWith(
      "KEYSET_ISSUER_REQUIRED",
      /^Key set k\.json \(jwks\) does not name its issuer: give it as ISSUER=k\.json$/,
    ),
  );
});

Deno.test("importKeySet() checks that a transparency configuration names the issuer it is given for", async () => {
  const bytes = read(`${CONTOSO}.transparency-configuration.cbor`);
  const store = new TrustStore();
  const ok = await importKeySet(store, bytes, { name: "c.cbor", issuer: "LEDGER.contoso.example" });
  assert.equal(ok.added, 0);
  await assert.rejects(
    importKeySet(store, bytes, { name: "c.cbor", issuer: "other.example" }),
    rejectsWith("KEYSET_MALFORMED", /names issuer 'ledger\.contoso\.example', not 'other\.example'/),
  );
});

Deno.test("importKeySet() refuses a JWK that carries private members", async () => {
  const jwk = JSON.parse(new TextDecoder().decode(read(`${CONTOSO}.jwks.json`))).keys[0];
  const withPrivate = JSON.stringify({ keys: [{ ...jwk, d: "AAAA" }] });
  await assert.rejects(
    importKeySet(new TrustStore(), utf8(withPrivate), { name: "p.json", issuer: CONTOSO }),
    rejectsWith("KEY_PRIVATE_MEMBERS", /the JWK carries private members \(d\)/),
  );
});

Deno.test("importKeySet() reports a declared kid that is not the SHA-256 of the key, and indexes the computed one", async () => {
  const jwk = JSON.parse(new TextDecoder().decode(read(`${CONTOSO}.jwks.json`))).keys[0];
  const store = new TrustStore();
  const result = await importKeySet(store, utf8(JSON.stringify({ keys: [{ ...jwk, kid: "wrong" }] })), {
    name: "m.json",
    issuer: CONTOSO,
  });
  assert.deepEqual(result.warnings, [
    `Key in m.json declares kid 'wrong' but SHA-256 of its public key is '${CONTOSO_KID}'; indexed under '${CONTOSO_KID}'`,
  ]);
  assert.ok(store.find(CONTOSO, CONTOSO_KID));
  assert.equal(store.find(CONTOSO, "wrong"), undefined);
});

Deno.test("importKeySet() collapses the same key listed twice and keeps keys per issuer", async () => {
  const jwk = JSON.parse(new TextDecoder().decode(read(`${CONTOSO}.jwks.json`))).keys[0];
  const store = new TrustStore();
  const result = await importKeySet(store, utf8(JSON.stringify({ keys: [jwk, jwk, jwk] })), {
    name: "d.json",
    issuer: CONTOSO,
  });
  assert.equal(result.added, 1);
  assert.equal(result.duplicates, 2);
  assert.equal(store.find("ledger.fabrikam.example", CONTOSO_KID), undefined);
});

Deno.test("importKeySet() reads the .NET trust store with standard base64 coordinates", async () => {
  const jwk = JSON.parse(new TextDecoder().decode(read(`${CONTOSO}.jwks.json`))).keys[0];
  const key = publicKeyFromJwk(jwk);
  assert.equal(key.kty, "EC");
  if (key.kty !== "EC") return;
  const dotnet = {
    version: 1,
    issuers: {
      "Ledger.Contoso.Example": {
        keys: [{ keyId: CONTOSO_KID, curve: "P-384", x: toBase64(key.x), y: toBase64(key.y) }],
      },
    },
  };
  const store = new TrustStore();
  const result = await importKeySet(store, utf8(JSON.stringify(dotnet)), { name: "net.json" });
  assert.equal(result.format, "dotnet-trust-store");
  assert.deepEqual(result.issuers, [CONTOSO]);
  assert.equal(await computeKid(key), CONTOSO_KID);
  assert.ok(store.find(CONTOSO, CONTOSO_KID));
});

Deno.test("importKeySet() rejects a signed trust list whose signer is not accepted", async () => {
  const store = new TrustStore();
  await importKeySet(store, read(`${CONTOSO}.jwks.json`), { name: "k.json", issuer: CONTOSO });
  await assert.rejects(
    importKeySet(store, read("trust-list.cose"), { name: "trust-list.cose", acceptedSigners: [] }),
    rejectsWith("TRUST_LIST_UNTRUSTED", /its signer 'did:x509:0:sha256:.*' is not an accepted trust list signer/),
  );
});

Deno.test("importKeySet() rejects a signed trust list whose receipts cannot be verified with trusted keys", async () => {
  await assert.rejects(
    importKeySet(new TrustStore(), read("trust-list.cose"), { name: "trust-list.cose", acceptedSigners: [] }),
    rejectsWith("TRUST_LIST_UNTRUSTED", /^Cannot trust the keys in trust-list\.cose: the trust list does not verify: /),
  );
});

Deno.test("parseKeySet() names the file and the problem for malformed key sets", () => {
  assert.throws(
    () => parseKeySet(utf8("{not json"), "bad.json"),
    rejectsWith("KEYSET_MALFORMED", /^Cannot read key set bad\.json: invalid JSON/),
  );
  assert.throws(
    () => parseKeySet(utf8('{"keys": []}'), "e.json"),
    rejectsWith("KEYSET_MALFORMED", /No keys found in JWKS document\./),
  );
  assert.throws(() => parseKeySet(new Uint8Array(), "z"), rejectsWith("KEYSET_MALFORMED", /the file is empty/));
  assert.throws(
    () => parseKeySet(new Uint8Array([0x5b]), "t"),
    rejectsWith("CBOR_MALFORMED", /unexpected end of input/),
  );
});
