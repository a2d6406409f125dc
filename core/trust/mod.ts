/**
 * Loading trust material: a key-set file (JWKS, scitt-keys, transparency configuration, pyscitt and .NET trust
 * stores) imported into a trust store, and a signed transparency trust list — itself a transparent statement,
 * verified by the statement pipeline before its keys are trusted.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { TrustStore } from "../receipts/trust_store.ts";
 * import { importKeySet } from "./mod.ts";
 * const jwks = Deno.readFileSync(new URL("../../fixtures/mst/keys/ledger.contoso.example.jwks.json", import.meta.url));
 * const store = new TrustStore();
 * const imported = await importKeySet(store, jwks, { name: "contoso.jwks.json", issuer: "ledger.contoso.example" });
 * equal(imported.added, 1);
 * ```
 *
 * @module
 */

export * from "./import_keys.ts";
export * from "./trust_list.ts";
