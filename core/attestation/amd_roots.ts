/**
 * The AMD root keys (ARK) built into the tool, pinned by fingerprint (spec `attestation.md` §4.1), and the only
 * way to trust another root: naming it explicitly, which marks every result that uses it as non-AMD.
 *
 * @module
 */

import { toHex } from "../bytes.ts";
import { derChildren, readDer } from "../der.ts";
import { sha256 } from "../crypto/digest.ts";
import { VerificationError } from "../errors.ts";
import type { Certificate } from "../x509/certificate.ts";

/** An AMD EPYC product line with an SEV-SNP root of its own. */
export type AmdProduct = "Milan" | "Genoa" | "Turin";

/** Every product with a pinned root. */
export const AMD_PRODUCTS: readonly AmdProduct[] = Object.freeze(["Milan", "Genoa", "Turin"] as const);

/** One pinned AMD root certificate. */
export interface PinnedAmdRoot {
  /** The product, e.g. `"Milan"`. */
  readonly product: AmdProduct;
  /** The certificate's subject common name, e.g. `"ARK-Milan"`. */
  readonly commonName: string;
  /** Lowercase hex SHA-256 of the certificate DER. */
  readonly sha256: string;
  /** Lowercase hex SHA-256 of its SubjectPublicKeyInfo DER, as encoded in the certificate. */
  readonly spkiSha256: string;
  /** End of validity, ISO-8601. */
  readonly notAfter: string;
}

/**
 * AMD's published ARK certificates for SEV-SNP (VCEK flavour), as served by the AMD Key Distribution Service
 * (`https://kdsintf.amd.com/vcek/v1/<product>/cert_chain`) and shipped by go-sev-guest, virtee/sev and CCF.
 * Frozen: a caller cannot add, remove or edit an entry.
 */
export const AMD_ROOTS: readonly PinnedAmdRoot[] = Object.freeze([
  // ARK-Milan: AMD's published SEV-SNP root for 3rd-generation EPYC (Milan).
  Object.freeze(
    {
      product: "Milan",
      commonName: "ARK-Milan",
      sha256: "69d063b45344d26a2e94e1f4210de49ef555308287d4c174445c95639a540bcd",
      spkiSha256: "9f056bee44377e29308cb5ffa895bdfb62d18881fa6bed8d6f075b0204089cb9",
      notAfter: "2045-10-22T17:23:05Z",
    } as const,
  ),
  // ARK-Genoa: AMD's published SEV-SNP root for 4th-generation EPYC (Genoa).
  Object.freeze(
    {
      product: "Genoa",
      commonName: "ARK-Genoa",
      sha256: "4c6598d19c18719c5dfd4a7d335f674e5bfe1d8f800cea2cf270c10d103db2f1",
      spkiSha256: "429a69c9422aa258ee4d8db5fcda9c6470ef15f8cd5a9cebd6cbc7d90b863831",
      notAfter: "2047-01-26T15:34:37Z",
    } as const,
  ),
  // ARK-Turin: AMD's published SEV-SNP root for 5th-generation EPYC (Turin).
  Object.freeze(
    {
      product: "Turin",
      commonName: "ARK-Turin",
      sha256: "1f084161a44bb6d93778a904877d4819cafa5d05ef4193b2ded9dd9c73dd3f6a",
      spkiSha256: "4f125410563a2ab9a50356f9243f6fe0b6f73de98603f53f90339c70e9d7ad08",
      notAfter: "2048-05-15T20:03:12Z",
    } as const,
  ),
]);

/** A root that is not AMD's, trusted only because the caller named it. */
export interface ExtraRoot {
  /** What reports call it, e.g. `"scitt-audit test ARK"`; must not pose as an AMD root. */
  readonly name: string;
  /** Lowercase hex SHA-256 of its certificate DER. */
  readonly sha256: string;
}

/** The root a chain ended in. */
export interface RootMatch {
  /** `"ARK-Milan"` for an AMD root, the caller's name for an extra root. */
  readonly name: string;
  /** Whether it is one of AMD's pinned roots; `false` must be flagged in every report. */
  readonly amd: boolean;
  /** The product of an AMD root. */
  readonly product?: AmdProduct;
  /** Hex SHA-256 of the root certificate DER. */
  readonly sha256: string;
}

/** Options for {@linkcode matchPinnedRoot}. */
export interface MatchRootOptions {
  /** The AMD products accepted, e.g. `["Milan", "Genoa"]` (playbook `amd-roots`); all when absent. */
  readonly products?: readonly AmdProduct[];
  /** Non-AMD roots the caller trusts explicitly, e.g. a test chain. */
  readonly extraRoots?: readonly ExtraRoot[];
}

/**
 * Reads a product name as written in a playbook (`milan`, `Genoa`, `TURIN`).
 *
 * @example
 * ```ts
 * import { ok as assert } from "node:assert/strict";
 * import { amdProduct } from "./amd_roots.ts";
 * assert(amdProduct("milan") === "Milan");
 * ```
 */
export function amdProduct(name: string): AmdProduct {
  const found = AMD_PRODUCTS.find((product) => product.toLowerCase() === name.trim().toLowerCase());
  if (!found) throw new RangeError(`Cannot read AMD product "${name}": expected one of ${AMD_PRODUCTS.join(", ")}`);
  return found;
}

/**
 * Checks that an extra root is visibly not AMD's and carries a well-formed fingerprint: a name that poses as an
 * AMD root (a product, `ARK-…`, the word AMD), an empty name, a malformed fingerprint, or a pinned AMD root's
 * fingerprint is a `RangeError`.
 *
 * @example
 * ```ts
 * import { ok as assert } from "node:assert/strict";
 * import { checkExtraRoot } from "./amd_roots.ts";
 * try {
 *   checkExtraRoot({ name: "Milan", sha256: "00".repeat(32) });
 * } catch (error) {
 *   assert(error instanceof RangeError);
 * }
 * ```
 */
export function checkExtraRoot(root: ExtraRoot): void {
  const name = root.name.trim();
  if (name.length === 0) throw new RangeError("Cannot trust extra root: its name is empty");
  const posesAsAmd =
    AMD_ROOTS.some((amd) => [amd.product, amd.commonName].some((n) => n.toLowerCase() === name.toLowerCase())) ||
    /^ark-/i.test(name) || /\bamd\b/i.test(name);
  if (posesAsAmd) {
    throw new RangeError(
      `Cannot trust extra root "${root.name}": an explicitly named root must not pose as an AMD root`,
    );
  }
  if (!/^[0-9a-f]{64}$/.test(root.sha256)) {
    throw new RangeError(`Cannot trust extra root "${root.name}": sha256 must be 64 lowercase hex digits`);
  }
  if (AMD_ROOTS.some((amd) => amd.sha256 === root.sha256)) {
    throw new RangeError(`Cannot trust extra root "${root.name}": it is a pinned AMD root already`);
  }
}

/** The SubjectPublicKeyInfo exactly as encoded inside tbsCertificate. */
function rawSpki(cert: Certificate): Uint8Array {
  const fields = derChildren(readDer(cert.tbs));
  return fields[fields[0]?.tag === 0xa0 ? 6 : 5]!.bytes;
}

/**
 * Matches the root certificate supplied with the evidence against the pinned AMD roots (certificate and key
 * fingerprints) and then the caller's extra roots. No match, or an AMD root of a product not accepted, is
 * `VerificationError` `SNP_CHAIN_INVALID`; a malformed extra root is a `RangeError`.
 *
 * @example
 * ```ts
 * import { ok as assert } from "node:assert/strict";
 * import { matchPinnedRoot } from "./amd_roots.ts";
 * try {
 *   await matchPinnedRoot({ der: new Uint8Array([0x30, 0x00]) } as never, {});
 * } catch (error) {
 *   assert((error as Error).message.startsWith("Cannot trust"));
 * }
 * ```
 */
export async function matchPinnedRoot(ark: Certificate, options: MatchRootOptions = {}): Promise<RootMatch> {
  const extraRoots = options.extraRoots ?? [];
  extraRoots.forEach(checkExtraRoot);
  const fingerprint = toHex(await sha256(ark.der));
  const amd = AMD_ROOTS.find((root) => root.sha256 === fingerprint);
  if (amd) {
    if (toHex(await sha256(rawSpki(ark))) !== amd.spkiSha256) {
      throw new VerificationError(
        "SNP_CHAIN_INVALID",
        `Cannot trust root: its key is not the pinned ${amd.commonName} key`,
      );
    }
    if (options.products && !options.products.includes(amd.product)) {
      throw new VerificationError(
        "SNP_CHAIN_INVALID",
        `Cannot trust root: ${amd.commonName} is pinned but not accepted here (accepted: ${
          options.products.join(", ") || "none"
        })`,
      );
    }
    return { name: amd.commonName, amd: true, product: amd.product, sha256: fingerprint };
  }
  const extra = extraRoots.find((root) => root.sha256 === fingerprint);
  if (extra) return { name: extra.name, amd: false, sha256: fingerprint };
  throw new VerificationError(
    "SNP_CHAIN_INVALID",
    `Cannot trust root: SHA-256 ${fingerprint} is not a pinned AMD root nor a root named by the caller`,
  );
}
