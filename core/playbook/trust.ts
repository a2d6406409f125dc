/**
 * The `trust` section: transparency services and their key files, the receipt policy, accepted statement
 * signers, optional X.509 roots and trust-list signers, and for attestation evidence the accepted AMD roots,
 * explicitly named non-AMD roots and UVM roots of trust — read when the playbook loads, turned into a trust
 * store (with one finding per key file, and a warning per non-AMD root) when it runs.
 *
 * @module
 */

import { AMD_PRODUCTS, amdProduct, checkExtraRoot, type ExtraRoot } from "../attestation/amd_roots.ts";
import { CCF_DEFAULT_UVM_ROOTS, type UvmRoot } from "../attestation/uvm_endorsement.ts";
import { AuditError } from "../errors.ts";
import type { Finding } from "../report/model.ts";
import { importKeySet } from "../trust/import_keys.ts";
import {
  AUTHORIZED_BEHAVIORS,
  type AuthorizedReceiptBehavior,
  DEFAULT_RECEIPT_POLICY,
  UNAUTHORIZED_BEHAVIORS,
  type UnauthorizedReceiptBehavior,
} from "../receipts/policy.ts";
import { TrustStore } from "../receipts/trust_store.ts";
import { type Certificate, parseCertificates } from "../x509/certificate.ts";
import { parseDidX509 } from "../x509/did_x509.ts";
import type { ObjectShape } from "./_shape.ts";
import { entry, type MapNode, mapNodes, stringNode, stringNodes, stringValue } from "./_yaml.ts";
import { FILE_SHAPE, finding } from "./kinds/_common.ts";
import type { LoadContext, RunTrust } from "./kinds/kind.ts";
import type { AttestationTrust, FileRef, TrustSpec } from "./model.ts";

const DID_LIST = (description: string) =>
  ({
    type: "array",
    description,
    items: {
      type: "string",
      description:
        "A did:x509 issuer, or a pattern where * stands for any run of characters (did:x509:0:sha256:abc::*).",
    },
  }) as const;

/** The shape of the `trust` section. */
export const TRUST_SHAPE: ObjectShape = {
  type: "object",
  description: "What the audit trusts; nothing is fetched.",
  fields: {
    "transparency": {
      required: true,
      shape: {
        type: "array",
        description: "Receipt issuers and their key files, loaded in order.",
        minItems: 1,
        items: {
          type: "object",
          description: "One transparency service's keys.",
          fields: {
            issuer: {
              shape: {
                type: "string",
                description: "The issuer host; required for key formats that do not name it (JWKS, scitt-keys).",
              },
            },
            keys: {
              required: true,
              shape: {
                ...FILE_SHAPE,
                description:
                  "/jwks JSON, /.well-known/scitt-keys CBOR, a pyscitt or .NET trust store, or a signed trust list.",
              },
            },
          },
        },
      },
    },
    "receipts": {
      shape: {
        type: "object",
        description: "The receipt policy (Azure Code Transparency SDK semantics).",
        fields: {
          "authorized-domains": {
            shape: {
              type: "array",
              description: "Issuers whose receipts are authorized (default: every issuer with keys).",
              items: { type: "string", description: "An issuer host." },
            },
          },
          "authorized-receipt-behavior": {
            shape: {
              type: "string",
              enum: AUTHORIZED_BEHAVIORS,
              description: "How receipts from authorized domains are judged (default VerifyAllMatching).",
            },
          },
          "unauthorized-receipt-behavior": {
            shape: {
              type: "string",
              enum: UNAUTHORIZED_BEHAVIORS,
              description: "How receipts from other issuers are judged (default FailIfPresent).",
            },
          },
        },
      },
    },
    "signers": { required: true, shape: { ...DID_LIST("Accepted statement issuers."), minItems: 1 } },
    "x509-roots": {
      shape: {
        type: "array",
        description: "Optional X.509 roots (PEM or DER) every statement's x5chain must end in.",
        items: { ...FILE_SHAPE, description: "A root certificate file." },
      },
    },
    "trust-list-signers": { shape: DID_LIST("Accepted signers of signed transparency trust lists.") },
    "amd-roots": {
      shape: {
        type: "array",
        description: "The pinned AMD roots (built into the tool) SEV-SNP chains may end in (default: all three).",
        minItems: 1,
        items: {
          type: "string",
          enum: AMD_PRODUCTS.map((p) => p.toLowerCase()),
          description: "An AMD EPYC product whose pinned ARK is accepted.",
        },
      },
    },
    "non-amd-roots": {
      shape: {
        type: "array",
        description:
          "Roots that are NOT AMD's (e.g. a test chain) trusted for SEV-SNP chains; every use is flagged in the report.",
        items: {
          type: "object",
          description: "One non-AMD root, pinned by fingerprint.",
          fields: {
            name: {
              required: true,
              shape: { type: "string", description: "What the report calls it; must not pose as an AMD root." },
            },
            sha256: {
              required: true,
              shape: {
                type: "string",
                description: "Lowercase hex SHA-256 of the root certificate DER.",
                pattern: { source: "[0-9a-f]{64}", meaning: "64 lowercase hex digits" },
              },
            },
          },
        },
      },
    },
    "uvm-roots": {
      shape: {
        type: "array",
        description: "UVM endorsement roots of trust (default: CCF's, ContainerPlat-AMD-UVM and ConfAKS-AMD-UVM).",
        items: {
          type: "object",
          description: "Who may endorse a UVM launch measurement, for which feed, from which SVN.",
          fields: {
            "did": { required: true, shape: { type: "string", description: "The endorser's did:x509." } },
            "feed": { required: true, shape: { type: "string", description: "The feed, e.g. ContainerPlat-AMD-UVM." } },
            "min-svn": {
              required: true,
              shape: { type: "integer", minimum: 0, description: "The smallest accepted SVN, e.g. 100." },
            },
          },
        },
      },
    },
  },
};

function buildAttestationTrust(node: MapNode, context: LoadContext): AttestationTrust {
  const products = stringNodes(node, "amd-roots").map((n) => amdProduct(n.value));
  const nonAmdRoots: ExtraRoot[] = mapNodes(node, "non-amd-roots").map((item, i) => {
    const root = { name: stringValue(item, "name")!, sha256: stringValue(item, "sha256")! };
    try {
      checkExtraRoot(root);
    } catch (error) {
      if (!(error instanceof RangeError)) throw error;
      context.fail("PLAYBOOK_INVALID", item, `invalid value for trust.non-amd-roots[${i}]: ${error.message}`);
    }
    return root;
  });
  const uvmRoots: UvmRoot[] = mapNodes(node, "uvm-roots").map((item, i) => {
    const did = stringNode(item, "did")!;
    try {
      parseDidX509(did.value);
    } catch (error) {
      if (!(error instanceof AuditError)) throw error;
      context.fail("PLAYBOOK_INVALID", did, `invalid did:x509 at trust.uvm-roots[${i}].did: ${error.message}`);
    }
    const minSvn = entry(item, "min-svn");
    return {
      did: did.value,
      feed: stringValue(item, "feed")!,
      minSvn: minSvn?.kind === "scalar" && typeof minSvn.value === "number" ? minSvn.value : 0,
    };
  });
  return {
    amdProducts: products.length > 0 ? [...new Set(products)] : AMD_PRODUCTS,
    nonAmdRoots,
    uvmRoots: entry(node, "uvm-roots") ? uvmRoots : CCF_DEFAULT_UVM_ROOTS,
  };
}

/** Reads the shape-checked `trust` node. */
export async function buildTrust(node: MapNode, context: LoadContext): Promise<TrustSpec> {
  const transparency = [];
  for (const [i, item] of mapNodes(node, "transparency").entries()) {
    const issuer = stringValue(item, "issuer");
    const keys = await context.evidenceFile(stringNode(item, "keys")!, `trust.transparency[${i}].keys`, "keys");
    transparency.push({ ...(issuer !== undefined ? { issuer } : {}), keys });
  }
  // An accepted signer is a did:x509 DID or a pattern where `*` stands for any run of characters (no DID has one).
  const dids = (key: string) =>
    stringNodes(node, key).map((n, i) => {
      if (n.value.includes("*")) {
        if (!n.value.startsWith("did:x509:")) {
          context.fail(
            "PLAYBOOK_INVALID",
            n,
            `invalid did:x509 pattern at trust.${key}[${i}]: it must start with did:x509:`,
          );
        }
        return n.value;
      }
      try {
        parseDidX509(n.value);
      } catch (error) {
        if (!(error instanceof AuditError)) throw error;
        context.fail("PLAYBOOK_INVALID", n, `invalid did:x509 at trust.${key}[${i}]: ${error.message}`);
      }
      return n.value;
    });
  const roots: FileRef[] = [];
  for (const [i, n] of stringNodes(node, "x509-roots").entries()) {
    roots.push(await context.evidenceFile(n, `trust.x509-roots[${i}]`, "x509-root"));
  }
  const receipts = entry(node, "receipts");
  const policy = receipts?.kind === "map" ? receipts : undefined;
  return {
    transparency,
    ...(policy && entry(policy, "authorized-domains")
      ? { authorizedDomains: stringNodes(policy, "authorized-domains").map((n) => n.value) }
      : {}),
    authorizedReceiptBehavior:
      (policy && stringValue(policy, "authorized-receipt-behavior") as AuthorizedReceiptBehavior) ??
        DEFAULT_RECEIPT_POLICY.authorizedReceiptBehavior,
    unauthorizedReceiptBehavior:
      (policy && stringValue(policy, "unauthorized-receipt-behavior") as UnauthorizedReceiptBehavior) ??
        DEFAULT_RECEIPT_POLICY.unauthorizedReceiptBehavior,
    signers: dids("signers"),
    x509Roots: roots,
    trustListSigners: dids("trust-list-signers"),
    attestation: buildAttestationTrust(node, context),
  };
}

/**
 * Builds the run's trust from the spec: each key file imported in order (one finding each), the effective
 * receipt policy, and the X.509 roots.
 */
export async function loadTrust(
  spec: TrustSpec,
  read: (file: FileRef) => Promise<Uint8Array>,
  add: (finding: Finding) => void,
): Promise<RunTrust> {
  const store = new TrustStore();
  for (const [i, t] of spec.transparency.entries()) {
    const bytes = await read(t.keys);
    const base = { id: `trust.keys.${i}`, kind: "trust", subject: t.keys.path } as const;
    try {
      const result = await importKeySet(store, bytes, {
        name: t.keys.path,
        ...(t.issuer !== undefined ? { issuer: t.issuer } : {}),
        acceptedSigners: spec.trustListSigners,
      });
      add(finding({
        ...base,
        status: result.warnings.length > 0 ? "warn" : "pass",
        message: `Loaded ${result.format} for ${
          result.issuers.join(", ") || "(no issuer)"
        }: ${result.added} keys added, ${result.duplicates} already trusted`,
      }, {
        details: {
          file: t.keys.path,
          format: result.format,
          issuers: [...result.issuers],
          added: result.added,
          duplicates: result.duplicates,
          kids: result.issuers.flatMap((issuer) => store.keysOf(issuer).map((k) => `${issuer}/${k.kid}`)),
          warnings: [...result.warnings],
        },
      }));
    } catch (error) {
      if (!(error instanceof AuditError)) throw error;
      if (error.code === "KEYSET_ISSUER_REQUIRED") {
        // Not evidence failing a check but a playbook that cannot be run as written: stop (exit 3).
        throw new AuditError(
          "PLAYBOOK_INVALID",
          `${t.keys.at}: ${t.keys.path} does not name the issuer its keys belong to; add 'issuer: <host>' to this trust.transparency entry`,
        );
      }
      add(finding({ ...base, status: "fail", message: `${t.keys.at}: ${error.message}` }, {
        code: error.code,
        details: { file: t.keys.path },
      }));
    }
  }
  const policy = {
    authorizedDomains: spec.authorizedDomains ?? store.issuers(),
    authorizedReceiptBehavior: spec.authorizedReceiptBehavior,
    unauthorizedReceiptBehavior: spec.unauthorizedReceiptBehavior,
  };
  add(finding({
    id: "trust.receipt-policy",
    status: "pass",
    kind: "trust",
    subject: "receipts",
    message: `Authorized domains ${policy.authorizedDomains.join(", ") || "(none)"}${
      spec.authorizedDomains ? "" : " (every issuer with keys)"
    }; ${policy.authorizedReceiptBehavior} / ${policy.unauthorizedReceiptBehavior}`,
  }, {
    details: {
      authorizedDomains: [...policy.authorizedDomains],
      authorizedDomainsFrom: spec.authorizedDomains ? "playbook" : "keys",
      authorizedReceiptBehavior: policy.authorizedReceiptBehavior,
      unauthorizedReceiptBehavior: policy.unauthorizedReceiptBehavior,
      signers: [...spec.signers],
    },
  }));
  const roots: Certificate[] = [];
  for (const [i, file] of spec.x509Roots.entries()) {
    const base = { id: `trust.x509-root.${i}`, kind: "trust", subject: file.path } as const;
    try {
      const certificates = parseCertificates(await read(file));
      roots.push(...certificates);
      add(finding({ ...base, status: "pass", message: `Loaded ${certificates.length} X.509 root(s)` }, {
        details: { file: file.path, certificates: certificates.length },
      }));
    } catch (error) {
      if (!(error instanceof AuditError)) throw error;
      add(finding({ ...base, status: "fail", message: `${file.at}: ${error.message}` }, { code: error.code }));
    }
  }
  spec.attestation.nonAmdRoots.forEach((root, i) =>
    add(finding({
      id: `trust.non-amd-root.${i}`,
      status: "warn",
      kind: "trust",
      subject: root.name,
      message:
        `"${root.name}" is trusted as a SEV-SNP root because the playbook names it: it is NOT an AMD root, and evidence that chains to it is not AMD-attested`,
    }, { details: { name: root.name, sha256: root.sha256, amd: false } }))
  );
  return { store, policy, signers: spec.signers, roots, attestation: spec.attestation };
}
