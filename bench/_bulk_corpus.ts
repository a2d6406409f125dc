/**
 * The forged corpora of benchmark 2: MST-shaped transparent statements built from the fixture generator's
 * pieces — PS384 statements by RSA-3072 leaves under the test CA, with x5chain and x5t, registered in simulated
 * CCF ledgers that sign one ES384 root per batch of statements — written to a directory, with the keys file and
 * the inputs of every signature check for the floor measurement. {@linkcode writeRealisticCorpus} builds the
 * shape of an audit of statements registered at different times instead: one signed root per statement and
 * inclusion paths as deep as a ledger of about a million transactions gives.
 *
 * @module
 */

import { Buffer } from "node:buffer";
import { constants, createPrivateKey, type KeyObject, sign } from "node:crypto";
import { type PublicKey, publicKeyFromSpki } from "../core/crypto/public_key.ts";
import { encodeCbor } from "../fixtures/_gen/cbor.ts";
import {
  CcfLedger,
  claimsDigest,
  encodeReceipt,
  leafHash,
  RECEIPT_SUBJECT,
  type Registration,
  serviceKid,
} from "../fixtures/_gen/ccf_ledger.ts";
import { foldPath, type PathStep } from "../fixtures/_gen/ccf_merkle.ts";
import type { CborValue } from "../fixtures/_gen/cbor.ts";
import { issueCertificate, type SubjectKey } from "../fixtures/_gen/certificate.ts";
import { ALG, encodeCoseSign1, LABEL, type SignedParts, sigStructure } from "../fixtures/_gen/cose_sign1.ts";
import { P384 } from "../fixtures/_gen/ec.ts";
import { deriveEcKey } from "../fixtures/_gen/ecdsa.ts";
import { jwksDocument } from "../fixtures/_gen/service_keys.ts";
import { statementHeader } from "../fixtures/_gen/statement.ts";
import { issueTestCa, SIGNING_EKU, type TestCa } from "../fixtures/_gen/test_ca.ts";
import { sha256 } from "../fixtures/_gen/webcrypto.ts";
import { fromHex, toBase64Url, toHex, utf8 } from "../core/bytes.ts";

/** The service that registers the corpus. */
export const CORPUS_HOST = "ledger.bench.example";

/** One signature the verifier cannot avoid checking. */
export interface SignatureInput {
  readonly key: PublicKey;
  readonly data: Uint8Array;
  readonly signature: Uint8Array;
}

/** A written corpus. */
export interface BulkCorpus {
  /** The directory of `*.cose` statements. */
  readonly statementsDir: string;
  /** The `--keys` argument for the service. */
  readonly keysArg: string;
  /** Number of statements. */
  readonly statements: number;
  /** The PS384 statement signatures, one per statement. */
  readonly statementSignatures: readonly SignatureInput[];
  /** The ES384 receipt signatures, one per signed root. */
  readonly receiptSignatures: readonly SignatureInput[];
  /** The leaf certificates, each with the DER of its chain (leaf, issuing CA, root). */
  readonly chains: readonly (readonly Uint8Array[])[];
}

/** What to build. */
export interface BulkCorpusOptions {
  /** Number of statements, e.g. `10000`. */
  readonly statements: number;
  /** Statements registered under each signed root, e.g. `100`. */
  readonly perRoot: number;
  /** Distinct RSA leaves signing the statements in turn, e.g. `4`. */
  readonly signers: number;
  /** Ledger transactions before each batch, so receipt paths are as deep as in a busy ledger, e.g. `1900`. */
  readonly history: number;
}

interface RsaSigner {
  readonly ca: TestCa<SubjectKey>;
  readonly privateKey: KeyObject;
  readonly publicKey: PublicKey;
}

async function rsaSigner(ca: TestCa, index: number): Promise<RsaSigner> {
  const pair = await crypto.subtle.generateKey(
    { name: "RSA-PSS", modulusLength: 3072, publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-384" },
    true,
    ["sign", "verify"],
  ) as CryptoKeyPair;
  const spki = new Uint8Array(await crypto.subtle.exportKey("spki", pair.publicKey));
  const leaf = await issueCertificate<SubjectKey>({
    serial: 0x7e57b0000000n + BigInt(index),
    subject: { organization: "scitt-audit bench", commonName: `scitt-audit Bench Signer ${index} (DO NOT TRUST)` },
    subjectKey: { spki },
    issuer: { name: ca.intermediate.subject, key: ca.intermediate.key },
    notBefore: new Date("2025-06-01T00:00:00Z"),
    notAfter: new Date("2027-06-01T00:00:00Z"),
    ca: false,
    keyUsage: ["digitalSignature"],
    extendedKeyUsage: [SIGNING_EKU],
  });
  const pkcs8 = new Uint8Array(await crypto.subtle.exportKey("pkcs8", pair.privateKey));
  const privateKey = createPrivateKey({ key: Buffer.from(pkcs8), format: "der", type: "pkcs8" });
  return { ca: { ...ca, leaf }, privateKey, publicKey: publicKeyFromSpki(spki) };
}

async function signPs384(signer: RsaSigner, index: number, iat: number): Promise<SignedParts> {
  const payload = utf8(JSON.stringify({ name: "bench-artifact", version: `1.0.${index}`, build: index }));
  const header = await statementHeader(signer.ca, {
    subject: "bench-artifact",
    iat,
    iatTagged: false,
    svn: index,
    payload,
    contentType: "application/json",
  }, { alg: ALG.PS384 });
  const protectedBytes = encodeCbor(header);
  // node:crypto signs RSA-3072 about twice as fast here as WebCrypto does with many signatures pending.
  const signature = sign("sha384", sigStructure(protectedBytes, payload), {
    key: signer.privateKey,
    padding: constants.RSA_PKCS1_PSS_PADDING,
    saltLength: 48,
  });
  return { protectedBytes, payload, signature: new Uint8Array(signature) };
}

/**
 * Builds the corpus under `dir` (which must exist): `statements/000000.cose`… and `keys.jwks.json`.
 *
 * @example
 * ```ts ignore
 * const corpus = await writeBulkCorpus(await Deno.makeTempDir(), { statements: 100, perRoot: 10, signers: 2, history: 10 });
 * ```
 */
export async function writeBulkCorpus(dir: string, options: BulkCorpusOptions): Promise<BulkCorpus> {
  const ca = await issueTestCa();
  const signers = await Promise.all(Array.from({ length: options.signers }, (_, i) => rsaSigner(ca, i)));
  const serviceKey = await deriveEcKey("bench/service-key", P384);
  const servicePublicKey = publicKeyFromSpki(serviceKey.spki);
  const keysFile = `${dir}/keys.jwks.json`;
  await Deno.writeTextFile(
    keysFile,
    JSON.stringify(jwksDocument([{ key: serviceKey, kid: toHex(await sha256(serviceKey.spki)) }])),
  );
  const statementsDir = `${dir}/statements`;
  await Deno.mkdir(statementsDir, { recursive: true });

  const statementSignatures: SignatureInput[] = [];
  const receiptSignatures: SignatureInput[] = [];
  const iat0 = Date.parse("2026-01-01T00:00:00Z") / 1000;
  for (let start = 0; start < options.statements; start += options.perRoot) {
    const count = Math.min(options.perRoot, options.statements - start);
    const indexes = Array.from({ length: count }, (_, i) => start + i);
    const signed = await Promise.all(indexes.map((i) => signPs384(signers[i % signers.length]!, i, iat0 + i)));
    const ledger = await CcfLedger.create({
      host: CORPUS_HOST,
      view: 2 + start / options.perRoot,
      history: options.history,
      key: serviceKey,
    });
    const registrations: Registration[] = [];
    for (const parts of signed) registrations.push(await ledger.register(parts));
    const root = await ledger.sign(iat0 + start + count);
    receiptSignatures.push({
      key: servicePublicKey,
      data: sigStructure(root.signed.protectedBytes, root.root),
      signature: root.signed.signature,
    });
    const receipts = await Promise.all(registrations.map((r) => ledger.receipt(r)));
    await Promise.all(signed.map((parts, i) => {
      const index = indexes[i]!;
      statementSignatures.push({
        key: signers[index % signers.length]!.publicKey,
        data: sigStructure(parts.protectedBytes, parts.payload!),
        signature: parts.signature,
      });
      const bytes = encodeCoseSign1(parts, new Map([[LABEL.receipts, [receipts[i]!.bytes]]]));
      return Deno.writeFile(`${statementsDir}/${String(index).padStart(6, "0")}.cose`, bytes);
    }));
  }
  return {
    statementsDir,
    keysArg: `${CORPUS_HOST}=${keysFile}`,
    statements: options.statements,
    statementSignatures,
    receiptSignatures,
    chains: signers.map((s) => [s.ca.leaf.der, ca.intermediate.der, ca.root.der]),
  };
}

/** What to build for {@linkcode writeRealisticCorpus}. */
export interface RealisticCorpusOptions {
  /** Number of statements, each under its own signed root, e.g. `2000`. */
  readonly statements: number;
  /** Distinct RSA leaves signing the statements in turn, e.g. `8`. */
  readonly signers: number;
  /** Steps of every inclusion path, e.g. `20` (a ledger of about a million transactions). */
  readonly pathLength: number;
}

/**
 * Builds the realistic corpus under `dir`: every statement PS384 by an RSA-3072 leaf with x5chain, and its own
 * ES384 receipt over a root that its `pathLength`-step path folds to (the siblings stand for the rest of a big
 * ledger; only their fold is checked). Same files and floor inputs as {@linkcode writeBulkCorpus}.
 *
 * @example
 * ```ts ignore
 * const corpus = await writeRealisticCorpus(await Deno.makeTempDir(), { statements: 10, signers: 2, pathLength: 20 });
 * ```
 */
export async function writeRealisticCorpus(dir: string, options: RealisticCorpusOptions): Promise<BulkCorpus> {
  const ca = await issueTestCa();
  const signers = await Promise.all(Array.from({ length: options.signers }, (_, i) => rsaSigner(ca, i)));
  const serviceKey = await deriveEcKey("bench/realistic-service-key", P384);
  const servicePublicKey = publicKeyFromSpki(serviceKey.spki);
  // The fixtures' RFC 6979 signer is BigInt code, checked by WebCrypto: node:crypto signs ES384 far faster.
  const serviceSigner = createPrivateKey({
    key: {
      kty: "EC",
      crv: "P-384",
      x: toBase64Url(serviceKey.x),
      y: toBase64Url(serviceKey.y),
      d: toBase64Url(fromHex(serviceKey.d.toString(16).padStart(96, "0"))),
    },
    format: "jwk",
  });
  const kid = await serviceKid(serviceKey);
  const keysFile = `${dir}/keys.jwks.json`;
  await Deno.writeTextFile(keysFile, JSON.stringify(jwksDocument([{ key: serviceKey, kid }])));
  const statementsDir = `${dir}/statements`;
  await Deno.mkdir(statementsDir, { recursive: true });
  const statementSignatures: SignatureInput[] = [];
  const receiptSignatures: SignatureInput[] = [];
  const iat0 = Date.parse("2026-01-01T00:00:00Z") / 1000;
  const view = 7;
  const BATCH = 50;
  for (let start = 0; start < options.statements; start += BATCH) {
    const indexes = Array.from({ length: Math.min(BATCH, options.statements - start) }, (_, i) => start + i);
    await Promise.all(indexes.map(async (index) => {
      const signer = signers[index % signers.length]!;
      const parts = await signPs384(signer, index, iat0 + index);
      // A registration deep in a ledger of 2^pathLength transactions, signed on its own a little later.
      const seqno = (1 << options.pathLength) - 1000 * options.statements + 1000 * index + 1;
      const txid = `${view}.${seqno}`;
      const leaf = {
        internalTransactionHash: await sha256(utf8(`bench/write-set/${txid}`)),
        internalEvidence: `ce:${txid}:${toHex(await sha256(utf8(`bench/commit-evidence/${txid}`)))}`,
        dataHash: await claimsDigest(parts),
      };
      const path: PathStep[] = await Promise.all(Array.from({ length: options.pathLength }, async (_, level) => ({
        left: (((seqno - 1) >> level) & 1) === 1,
        hash: await sha256(utf8(`bench/sibling/${txid}/${level}`)),
      })));
      const root = await foldPath(await leafHash(leaf), path);
      const protectedHeader = new Map<number | string, CborValue>([
        [LABEL.alg, ALG.ES384],
        [LABEL.kid, utf8(kid)],
        [LABEL.cwtClaims, new Map<number, CborValue>([[1, CORPUS_HOST], [2, RECEIPT_SUBJECT], [6, iat0 + index + 1]])],
        [LABEL.vds, 2],
        ["ccf.v1", new Map([["txid", `${view}.${seqno + 1}`]])],
      ]);
      const protectedBytes = encodeCbor(protectedHeader);
      const signed: SignedParts = {
        protectedBytes,
        payload: null,
        signature: new Uint8Array(
          sign("sha384", sigStructure(protectedBytes, root), { key: serviceSigner, dsaEncoding: "ieee-p1363" }),
        ),
      };
      receiptSignatures.push({
        key: servicePublicKey,
        data: sigStructure(signed.protectedBytes, root),
        signature: signed.signature,
      });
      statementSignatures.push({
        key: signer.publicKey,
        data: sigStructure(parts.protectedBytes, parts.payload!),
        signature: parts.signature,
      });
      const bytes = encodeCoseSign1(parts, new Map([[LABEL.receipts, [encodeReceipt(signed, { leaf, path })]]]));
      await Deno.writeFile(`${statementsDir}/${String(index).padStart(6, "0")}.cose`, bytes);
    }));
  }
  return {
    statementsDir,
    keysArg: `${CORPUS_HOST}=${keysFile}`,
    statements: options.statements,
    statementSignatures,
    receiptSignatures,
    chains: signers.map((s) => [s.ca.leaf.der, ca.intermediate.der, ca.root.der]),
  };
}
