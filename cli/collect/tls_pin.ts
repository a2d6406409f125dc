/**
 * The TLS side of collection: the certificates a server presents (read with `node:tls` on a handshake of our
 * own, without trusting them), the pinned certificates (`--service-cert` or `--ca`), and the check that the
 * presented chain is issued by a pinned certificate.
 *
 * Deno's `fetch` with `Deno.createHttpClient({ caCerts })` adds the pinned certificates to its built-in roots
 * rather than replacing them, so the collector also makes this check itself before the first request: a
 * server whose certificate a public CA issued is refused unless that CA is what was pinned.
 *
 * @module
 */

import { connect } from "node:tls";
import { toHex } from "../../core/bytes.ts";
import { sha256 } from "../../core/crypto/digest.ts";
import { AuditError } from "../../core/errors.ts";
import { encodePem } from "../../core/pem.ts";
import type { TlsRecord } from "../../core/collect/provenance.ts";
import { type Certificate, parseCertificate, parseCertificates } from "../../core/x509/certificate.ts";
import { verifyChain } from "../../core/x509/chain.ts";
import { formatName } from "../../core/x509/name.ts";

/** The certificates pinned for a collection. */
export interface Pin {
  readonly by: "--service-cert" | "--ca";
  /** The file they were read from. */
  readonly file: string;
  readonly certificates: readonly Certificate[];
  /** The same as PEM, for `Deno.createHttpClient`. */
  readonly pem: string;
}

/** Reads `--service-cert` (exactly one certificate) or `--ca` (one or more), PEM or DER. */
export function readPin(by: Pin["by"], file: string, bytes: Uint8Array): Pin {
  let certificates: Certificate[];
  try {
    certificates = parseCertificates(bytes);
  } catch (error) {
    if (error instanceof AuditError) {
      throw new AuditError("X509_MALFORMED", `Cannot read ${file} (${by}): ${error.message}`);
    }
    throw error;
  }
  if (certificates.length === 0) throw new AuditError("X509_MALFORMED", `Cannot read ${file} (${by}): no certificate`);
  if (by === "--service-cert" && certificates.length !== 1) {
    throw new AuditError(
      "X509_MALFORMED",
      `Cannot read ${file} (--service-cert): it holds ${certificates.length} certificates; pin one, or use --ca`,
    );
  }
  return { by, file, certificates, pem: certificates.map((c) => encodePem("CERTIFICATE", c.der)).join("") };
}

/** `AB:CD:...`, the form browsers and openssl print. */
export function colonHex(hex: string): string {
  return hex.toUpperCase().match(/../g)!.join(":");
}

/** The handshake's outcome: the presented chain, leaf first. */
export interface PresentedChain {
  readonly certificates: readonly Certificate[];
  /** Hex SHA-256 of the leaf DER. */
  readonly leafSha256: string;
}

interface PeerCertificateLike {
  raw?: Uint8Array;
  issuerCertificate?: PeerCertificateLike;
}

/**
 * Opens a TLS connection to `host:port` without trusting it, reads the certificates the server presents, and
 * closes it before any request is sent.
 */
export function presentedChain(host: string, port: number, timeoutMs: number): Promise<PresentedChain> {
  return new Promise((resolve, reject) => {
    const isIp = /^[\d.]+$/.test(host) || host.includes(":");
    const socket = connect({
      host: host.replace(/^\[|\]$/g, ""),
      port,
      rejectUnauthorized: false,
      ...(isIp ? {} : { servername: host }),
    });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(
        new AuditError(
          "COLLECT_NETWORK_FAILED",
          `Cannot connect to ${host}:${port}: no TLS handshake within ${timeoutMs} ms`,
        ),
      );
    }, timeoutMs);
    socket.once("secureConnect", () => {
      clearTimeout(timer);
      const ders: Uint8Array[] = [];
      let cert = socket.getPeerCertificate(true) as PeerCertificateLike;
      while (cert?.raw && ders.length < 16) {
        const der = new Uint8Array(cert.raw);
        if (ders.some((d) => toHex(d) === toHex(der))) break;
        ders.push(der);
        cert = cert.issuerCertificate as PeerCertificateLike;
      }
      socket.destroy();
      if (ders.length === 0) {
        reject(new AuditError("COLLECT_TLS_FAILED", `TLS handshake with ${host}:${port} gave no certificate`));
        return;
      }
      (async () => {
        const certificates = ders.map((d) => parseCertificate(d));
        resolve({ certificates, leafSha256: toHex(await sha256(ders[0]!)) });
      })().catch(reject);
    });
    socket.once("error", (error: Error) => {
      clearTimeout(timer);
      reject(new AuditError("COLLECT_NETWORK_FAILED", `Cannot connect to ${host}:${port}: ${error.message}`));
    });
  });
}

async function issuedBy(presented: readonly Certificate[], anchor: Certificate): Promise<boolean> {
  const anchorHex = toHex(anchor.der);
  const own = presented.filter((c) => toHex(c.der) !== anchorHex);
  if (own.length < presented.length && own.length === 0) return true; // the server presents the pinned certificate itself
  for (let n = own.length; n >= 1; n--) {
    try {
      await verifyChain([...own.slice(0, n), anchor]);
      return true;
    } catch (error) {
      if (!(error instanceof AuditError)) throw error;
    }
  }
  return false;
}

/**
 * Checks that the presented chain ends in a pinned certificate (is it, or is issued by it), and returns the
 * record the provenance manifest keeps; `COLLECT_TLS_FAILED` otherwise.
 */
export async function checkPresented(url: string, presented: PresentedChain, pin: Pin): Promise<TlsRecord> {
  let trusted = false;
  for (const anchor of pin.certificates) {
    if (await issuedBy(presented.certificates, anchor)) {
      trusted = true;
      break;
    }
  }
  const leaf = presented.certificates[0]!;
  if (!trusted) {
    throw new AuditError(
      "COLLECT_TLS_FAILED",
      `Refusing ${url}: its TLS certificate '${formatName(leaf.subject)}' (SHA-256 ${
        colonHex(presented.leafSha256)
      }, issued by '${formatName(leaf.issuer)}') is not issued by the certificate pinned with ${pin.by} ${pin.file}`,
    );
  }
  return {
    certificateSha256: presented.leafSha256,
    subject: formatName(leaf.subject),
    issuer: formatName(leaf.issuer),
    pinnedBy: pin.by,
    pinnedSha256: await Promise.all(pin.certificates.map(async (c) => toHex(await sha256(c.der)))),
  };
}

/** The certificate to offer for pinning: the self-signed root of the presented chain when sent, else the last one. */
export function certificateToPin(presented: PresentedChain): Certificate {
  const certs = presented.certificates;
  return certs.find((c) => formatName(c.subject) === formatName(c.issuer) && c !== certs[0]) ?? certs.at(-1)!;
}
