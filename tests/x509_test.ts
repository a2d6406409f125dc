import assert from "node:assert/strict";
import { concat, utf8 } from "../core/bytes.ts";
import { AuditError, VerificationError } from "../core/errors.ts";
import {
  type Certificate,
  CHAIN_ERROR,
  formatName,
  type GeneralName,
  type Name,
  nameConstraintViolation,
  namesEqual,
  parseCertificate,
  parseCertificates,
  parseName,
  verifyChain,
} from "../core/x509/mod.ts";
import { readVector, vectorTest } from "./_vectors.ts";

const MS_CHAIN = "mst/didx509/ms-code-signing.pem";
const AMD_MILAN_CHAIN = "attestation/ccf-snp/milan_endorsements.pem";
const AMD_GENOA_ROOTS = "attestation/amd-roots/ask_ark_genoa.pem";

function assertMalformed(action: () => unknown, message: string): void {
  assert.throws(action, (error) => {
    assert.ok(error instanceof AuditError);
    assert.equal(error.code, "X509_MALFORMED");
    assert.equal(error.message, message);
    return true;
  });
}

async function assertChainError(chain: readonly Certificate[], message: string, validAt?: Date): Promise<void> {
  await assert.rejects(verifyChain(chain, validAt ? { validAt } : {}), (error) => {
    assert.ok(error instanceof VerificationError);
    assert.equal(error.code, "X509_CHAIN_INVALID");
    assert.equal(error.message, message);
    return true;
  });
}

/** Flips the last byte of a certificate, which lies in its signature. */
function withBrokenSignature(cert: Certificate): Certificate {
  const der = cert.der.slice();
  der[der.length - 1]! ^= 0x01;
  return parseCertificate(der);
}

vectorTest("parseCertificate() reads the fields of the Microsoft code-signing leaf", (dir) => {
  const [leaf] = parseCertificates(readVector(dir, MS_CHAIN));
  assert.ok(leaf);
  assert.equal(leaf.version, 3);
  assert.equal(leaf.serialNumber, "33000002cfa02590e31304ef150000000002cf");
  assert.equal(leaf.signatureAlgorithm.name, "sha256WithRSAEncryption");
  assert.deepEqual(leaf.signatureAlgorithm.scheme, { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" });
  assert.equal(
    formatName(leaf.subject),
    "CN=Microsoft Corporation,O=Microsoft Corporation,L=Redmond,ST=Washington,C=US",
  );
  assert.equal(
    formatName(leaf.issuer),
    "CN=Microsoft Code Signing PCA 2011,O=Microsoft Corporation,L=Redmond,ST=Washington,C=US",
  );
  assert.equal(leaf.notBefore.toISOString(), "2022-05-12T20:46:04.000Z");
  assert.equal(leaf.notAfter.toISOString(), "2023-05-11T20:46:04.000Z");
  assert.equal(leaf.publicKey.kty, "RSA");
  assert.deepEqual(leaf.extensions.basicConstraints, { ca: false });
  assert.equal(leaf.extensions.keyUsage, undefined);
  assert.deepEqual(leaf.extensions.extKeyUsage, ["1.3.6.1.4.1.311.10.3.21", "1.3.6.1.5.5.7.3.3"]);
  assert.deepEqual(leaf.extensions.list.filter((e) => e.critical).map((e) => e.oid), ["2.5.29.19"]);
  const [san] = leaf.extensions.subjectAltNames ?? [];
  assert.equal(san?.type, "dn");
  assert.equal(
    san.type === "dn" && formatName(san.value),
    "2.5.4.5=230217\\+470532,OU=Microsoft Operations Puerto Rico",
  );
});

vectorTest("parseCertificates() reads a PEM bundle in order and ignores text between blocks", (dir) => {
  const pem = new TextDecoder().decode(readVector(dir, MS_CHAIN));
  const annotated = `subject=leaf\n${
    pem.replaceAll("-----END CERTIFICATE-----\n", "-----END CERTIFICATE-----\nnext:\n")
  }`;
  const chain = parseCertificates(utf8(annotated));
  assert.deepEqual(
    chain.map((cert) => cert.subject.rdns.at(-1)?.[0]?.value),
    ["Microsoft Corporation", "Microsoft Code Signing PCA 2011", "Microsoft Root Certificate Authority 2011"],
  );
});

vectorTest("parseCertificates() reads a single DER certificate", (dir) => {
  const [leaf] = parseCertificates(readVector(dir, MS_CHAIN));
  const parsed = parseCertificates(leaf!.der);
  assert.equal(parsed.length, 1);
  assert.equal(parsed[0]!.serialNumber, leaf!.serialNumber);
});

vectorTest("parseCertificate() rejects truncated and padded DER with X509_MALFORMED", (dir) => {
  const [leaf] = parseCertificates(readVector(dir, MS_CHAIN));
  const der = leaf!.der;
  assertMalformed(
    () => parseCertificate(der.subarray(0, der.length - 1)),
    "Cannot parse certificate: Certificate: length 1535 at byte 0 runs past the end of the input",
  );
  assertMalformed(
    () => parseCertificate(concat([der, new Uint8Array([0])])),
    "Cannot parse certificate: Certificate: 1 trailing bytes",
  );
  assertMalformed(
    () => parseCertificate(new Uint8Array()),
    "Cannot parse certificate: Certificate: truncated header at byte 0",
  );
});

vectorTest("parseCertificate() rejects a certificate whose two signature algorithms differ", (dir) => {
  const [leaf] = parseCertificates(readVector(dir, MS_CHAIN));
  const der = leaf!.der.slice();
  // The first sha256WithRSAEncryption OID is the copy inside tbsCertificate; make it sha384WithRSAEncryption.
  const oid = [0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0b];
  const at = der.findIndex((_, i) => oid.every((b, j) => der[i + j] === b));
  der[at + oid.length - 1] = 0x0c;
  assertMalformed(
    () => parseCertificate(der),
    "Cannot parse certificate: the signature algorithm inside tbsCertificate differs from the outer one",
  );
});

Deno.test("parseCertificates() rejects PEM without a usable CERTIFICATE block", () => {
  assertMalformed(
    () => parseCertificates(utf8("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n")),
    'Cannot parse certificate: no "-----BEGIN CERTIFICATE-----" block found (input is neither DER nor PEM)',
  );
  assertMalformed(
    () => parseCertificates(utf8("-----BEGIN CERTIFICATE-----\nAAAA\n")),
    'Cannot parse certificate: PEM block 1 has no "-----END CERTIFICATE-----" line',
  );
  assertMalformed(
    () => parseCertificates(utf8("-----BEGIN CERTIFICATE-----\n%%%%\n-----END CERTIFICATE-----\n")),
    "Cannot parse certificate: PEM block 1 is not valid base64",
  );
  assertMalformed(
    () => parseCertificates(utf8("-----BEGIN CERTIFICATE-----\nMAMCAQE=\n-----END CERTIFICATE-----\n")),
    "Cannot parse certificate: PEM certificate 1: a Certificate must hold tbsCertificate, signatureAlgorithm and signature",
  );
});

vectorTest("parseCertificate() reads RSASSA-PSS parameters and the P-384 key of an AMD VCEK chain", (dir) => {
  const [vcek, ask, ark] = parseCertificates(readVector(dir, AMD_MILAN_CHAIN));
  for (const cert of [vcek, ask, ark]) {
    assert.equal(cert?.signatureAlgorithm.name, "RSASSA-PSS");
    assert.deepEqual(cert?.signatureAlgorithm.scheme, { name: "RSA-PSS", hash: "SHA-384", saltLength: 48 });
  }
  assert.equal(vcek?.publicKey.kty === "EC" && vcek.publicKey.crv, "P-384");
  assert.equal(formatName(ark!.subject), formatName(ark!.issuer));
});

vectorTest("verifyChain() accepts the Microsoft code-signing chain and the AMD RSA-PSS chains", async (dir) => {
  await verifyChain(parseCertificates(readVector(dir, MS_CHAIN)));
  await verifyChain(parseCertificates(readVector(dir, AMD_MILAN_CHAIN)));
  await verifyChain(parseCertificates(readVector(dir, AMD_GENOA_ROOTS)));
});

vectorTest("verifyChain() takes the last certificate as anchor even when it is not self-signed", async (dir) => {
  const [leaf, intermediate] = parseCertificates(readVector(dir, MS_CHAIN));
  await verifyChain([leaf!, intermediate!]);
});

vectorTest("verifyChain() rejects a chain with fewer than two certificates", async (dir) => {
  const [leaf] = parseCertificates(readVector(dir, MS_CHAIN));
  await assertChainError([leaf!], CHAIN_ERROR.tooShort);
});

vectorTest("verifyChain() rejects a chain longer than sixteen certificates before any signature check", async (dir) => {
  const [leaf, intermediate, root] = parseCertificates(readVector(dir, MS_CHAIN));
  await assertChainError([leaf!, ...new Array(15).fill(intermediate!), root!], CHAIN_ERROR.tooLong);
});

vectorTest("verifyChain() rejects a leaf or root whose signature bytes were altered", async (dir) => {
  const [leaf, intermediate, root] = parseCertificates(readVector(dir, MS_CHAIN));
  await assertChainError([withBrokenSignature(leaf!), intermediate!, root!], CHAIN_ERROR.signature);
  await assertChainError([leaf!, intermediate!, withBrokenSignature(root!)], CHAIN_ERROR.signature);
});

vectorTest("verifyChain() rejects a chain that skips the intermediate", async (dir) => {
  const [leaf, , root] = parseCertificates(readVector(dir, MS_CHAIN));
  await assertChainError([leaf!, root!], CHAIN_ERROR.noIssuer);
});

vectorTest("verifyChain() rejects a supplied order that differs from the validated path", async (dir) => {
  const [leaf, intermediate, root] = parseCertificates(readVector(dir, MS_CHAIN));
  await assertChainError([leaf!, root!, intermediate!], CHAIN_ERROR.pathMismatch);
});

vectorTest("verifyChain() rejects a self-signed root that is not the last certificate", async (dir) => {
  const chain = parseCertificates(readVector(dir, MS_CHAIN));
  const [, amdRoot] = parseCertificates(readVector(dir, AMD_GENOA_ROOTS));
  await assertChainError([...chain, amdRoot!], CHAIN_ERROR.selfSignedInChain);
});

vectorTest("verifyChain() checks validity periods only at validAt", async (dir) => {
  const chain = parseCertificates(readVector(dir, MS_CHAIN));
  await verifyChain(chain);
  await verifyChain(chain, { validAt: new Date("2023-01-01T00:00:00Z") });
  await assertChainError(chain, CHAIN_ERROR.expired, new Date("2023-05-11T20:46:05Z"));
  await assertChainError(chain, CHAIN_ERROR.notYetValid, new Date("2022-05-12T20:46:03Z"));
});

// --- Names and name constraints, on names built here ---

const CN = [0x55, 0x04, 0x03];
const O = [0x55, 0x04, 0x0a];
const C = [0x55, 0x04, 0x06];
const EMAIL = [0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x09, 0x01];
const UTF8 = 0x0c;
const PRINTABLE = 0x13;

function tlv(tag: number, ...parts: Uint8Array[]): Uint8Array {
  const body = concat(parts);
  assert.ok(body.length < 0x80, "short-form lengths only");
  return concat([new Uint8Array([tag, body.length]), body]);
}

/** A Name with one attribute per RDN, as `[type OID bytes, value, string tag]`. */
function name(...attributes: [number[], string, number?][]): Name {
  const rdns = attributes.map(([oid, value, tag]) =>
    tlv(0x31, tlv(0x30, tlv(0x06, new Uint8Array(oid)), tlv(tag ?? UTF8, utf8(value))))
  );
  return parseName(tlv(0x30, ...rdns));
}

function subjectWith(subject: Name, subjectAltNames?: GeneralName[]): Pick<Certificate, "subject" | "extensions"> {
  return { subject, extensions: subjectAltNames ? { list: [], subjectAltNames } : { list: [] } };
}

Deno.test("formatName() writes RFC 4514 text with the last RDN first and specials escaped", () => {
  assert.equal(formatName(name([C, "US", PRINTABLE], [O, "A, B"], [CN, "#1 "])), "CN=\\#1\\ ,O=A\\, B,C=US");
});

Deno.test("namesEqual() ignores case, string type and repeated spaces but not RDN order", () => {
  assert.ok(namesEqual(name([O, "Example  Corp"], [CN, "Root"]), name([O, "example corp", PRINTABLE], [CN, "ROOT"])));
  assert.ok(!namesEqual(name([O, "Example"], [CN, "Root"]), name([CN, "Root"], [O, "Example"])));
});

Deno.test("nameConstraintViolation() matches DNS names by label suffix and dotted bases by subdomain only", () => {
  const cert = subjectWith(name(), [{ type: "dns", value: "Host.Example.com" }]);
  const permit = (value: string) =>
    nameConstraintViolation({ permitted: [{ type: "dns", value }], excluded: [] }, cert);
  assert.equal(permit("example.com"), undefined);
  assert.equal(permit("host.example.com"), undefined);
  assert.equal(permit(".example.com"), undefined);
  assert.equal(permit("ample.com"), "permitted");
  assert.equal(permit(".host.example.com"), "permitted");
  assert.equal(
    nameConstraintViolation({ permitted: [], excluded: [{ type: "dns", value: "EXAMPLE.com" }] }, cert),
    "excluded",
  );
});

Deno.test("nameConstraintViolation() matches email SANs and subject emailAddress by mailbox, host or domain", () => {
  const sanCert = subjectWith(name(), [{ type: "email", value: "alice@mail.example.com" }]);
  const permit = (value: string) =>
    nameConstraintViolation({ permitted: [{ type: "email", value }], excluded: [] }, sanCert);
  assert.equal(permit("alice@mail.example.com"), undefined);
  assert.equal(permit("mail.example.com"), undefined);
  assert.equal(permit(".example.com"), undefined);
  assert.equal(permit("example.com"), "permitted");
  assert.equal(permit("bob@mail.example.com"), "permitted");
  const subjectCert = subjectWith(name([CN, "Alice"], [EMAIL, "alice@other.test", 0x16]));
  const excluded = { permitted: [], excluded: [{ type: "email", value: "other.test" }] } as const;
  assert.equal(nameConstraintViolation(excluded, subjectCert), "excluded");
});

Deno.test("nameConstraintViolation() matches URIs by host and rejects URIs without one under a permit", () => {
  const constraints = { permitted: [{ type: "uri", value: ".example.com" }], excluded: [] } as const;
  const uri = (value: string) => nameConstraintViolation(constraints, subjectWith(name(), [{ type: "uri", value }]));
  assert.equal(uri("https://user@ci.example.com:8443/workflow?x=1"), undefined);
  assert.equal(uri("https://example.com/"), "permitted");
  assert.equal(uri("urn:uuid:1234"), "permitted");
});

Deno.test("nameConstraintViolation() applies directoryName subtrees to the subject as an RDN prefix", () => {
  const constraints = { permitted: [{ type: "dn", value: name([C, "US"], [O, "Example"]) }], excluded: [] } as const;
  assert.equal(
    nameConstraintViolation(constraints, subjectWith(name([C, "US"], [O, "example"], [CN, "Leaf"]))),
    undefined,
  );
  assert.equal(
    nameConstraintViolation(constraints, subjectWith(name([C, "US"], [O, "Other"], [CN, "Leaf"]))),
    "permitted",
  );
  assert.equal(nameConstraintViolation(constraints, subjectWith(name())), undefined);
});

Deno.test("nameConstraintViolation() compares IP addresses under the constraint's mask", () => {
  const net = new Uint8Array([10, 1, 0, 0, 255, 255, 0, 0]);
  const constraints = { permitted: [], excluded: [{ type: "ip", value: net }] } as const;
  const ip = (...bytes: number[]) =>
    nameConstraintViolation(constraints, subjectWith(name(), [{ type: "ip", value: new Uint8Array(bytes) }]));
  assert.equal(ip(10, 1, 200, 7), "excluded");
  assert.equal(ip(10, 2, 0, 1), undefined);
  assert.equal(ip(...new Array(16).fill(0)), undefined);
});

Deno.test("nameConstraintViolation() reports a constraint on a name form it cannot compare as unsupported", () => {
  const otherName = { type: "otherName", der: new Uint8Array([0xa0, 0x00]) } as const;
  const constraints = { permitted: [otherName], excluded: [] };
  assert.equal(nameConstraintViolation(constraints, subjectWith(name(), [otherName])), "unsupported");
  assert.equal(
    nameConstraintViolation(constraints, subjectWith(name(), [{ type: "dns", value: "a.test" }])),
    undefined,
  );
});
