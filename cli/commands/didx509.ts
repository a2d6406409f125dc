/**
 * `scitt-audit didx509`: resolves a did:x509 against a certificate chain and prints the DID document.
 *
 * @module
 */

import { AuditError } from "../../core/errors.ts";
import { parseCertificates } from "../../core/x509/certificate.ts";
import { resolveDidX509 } from "../../core/x509/did_x509.ts";
import { formatName } from "../../core/x509/name.ts";
import { type Command, defineCommand, type Parsed, withFile } from "../command.ts";
import { EXIT, exitFor } from "../exit.ts";
import { type Io, paint, readInput } from "../io.ts";

const HELP = `Usage: scitt-audit didx509 <did> <chain-file> [--json]

Resolves a did:x509 (method version 0) against a certificate chain, as the did:x509 specification and the
MST service do: the chain is validated (signatures, CA constraints, path length, name constraints, critical
extensions; validity periods are not checked), the CA fingerprint must name a non-leaf certificate, and
every predicate (subject, san, eku, fulcio-issuer) must match the leaf.

  <chain-file>   PEM (one or more CERTIFICATE blocks, leaf first) or one DER certificate
  --json         print {"did", "valid", "document"} or {"did", "valid": false, "error"}
  -h, --help     this help

Exit status: 0 resolved; 1 did not resolve; 2 usage error; 3 malformed chain file; 4 file missing.

Example:
  scitt-audit didx509 'did:x509:0:sha256:<fingerprint>::eku:1.3.6.1.5.5.7.3.36' chain.pem`;

const OPTIONS = { json: { type: "boolean" } } as const;

async function run({ values, positionals }: Parsed<typeof OPTIONS>, io: Io): Promise<number> {
  const [did, file] = positionals as [string, string];
  const chain = await withFile(file, async () => parseCertificates(await readInput(file)));
  try {
    const resolution = await resolveDidX509(did, chain);
    if (values.json) io.out(JSON.stringify({ did, valid: true, document: resolution.document }));
    else {
      io.out(`${paint(io, "green", "resolved")}  ${did}`);
      io.out(`  leaf ${formatName(chain[0]!.subject)}`);
      io.out(JSON.stringify(resolution.document, null, 2));
    }
    return EXIT.OK;
  } catch (error) {
    if (!(error instanceof AuditError)) throw error;
    const exit = error.code === "DIDX509_INVALID" ? EXIT.FAILED : exitFor(error);
    if (values.json) io.out(JSON.stringify({ did, valid: false, error: { code: error.code, message: error.message } }));
    else io.out(`${paint(io, "red", "not resolved")}  ${did}  ${error.message}`);
    return exit;
  }
}

/** The `didx509` command. */
export const didx509Command: Command = defineCommand({
  name: "didx509",
  summary: "resolve a did:x509 against a PEM/DER certificate chain",
  help: HELP,
  options: OPTIONS,
  positionals: { min: 2, max: 2, usage: "expected <did> <chain-file>" },
  run,
});
