/**
 * `scitt-audit keys generate`: writes an auditor key pair for signing reports.
 *
 * @module
 */

import { join } from "node:path";
import { utf8 } from "../../core/bytes.ts";
import { generateAuditorKey, REPORT_ALGORITHMS, type ReportAlgorithm } from "../../core/report/signing_key.ts";
import { type Command, defineCommand, defineGroup, type Parsed } from "../command.ts";
import { CliError, EXIT, usage } from "../exit.ts";
import { cleanMessage, type Io } from "../io.ts";
import { writeProblem } from "../report_output.ts";

const HELP = `Usage: scitt-audit keys generate [--alg ES256|ES384|EdDSA] [--out DIR] [--name NAME]

Generates an auditor key pair for signing reports (report.cose) and writes two files:
  <NAME>.key.pem   the private key, PKCS#8 PEM, file mode 0600: keep it secret
  <NAME>.pub.pem   the public key, SPKI PEM: give it to whoever checks your reports
                   (scitt-audit report verify report.cose --key <NAME>.pub.pem)
Existing files are never overwritten. The public key and its kid (hex SHA-256 of the SPKI, the kid in
every report it signs) are printed.

Options:
  --alg ALG     ES256 (P-256, default), ES384 (P-384) or EdDSA (Ed25519)
  --out DIR     where to write the files (created if needed; default: the current folder)
  --name NAME   file name stem (default: auditor)
  --json        print {"alg", "kid", "privateKey", "publicKey", "publicKeyPem"} instead
  -h, --help    this help

Exit status: 0 written; 2 usage error, or a file already exists; 4 the files cannot be written.

Example:
  scitt-audit keys generate --alg EdDSA --out keys --name release-auditor`;

function algorithm(value: string | undefined): ReportAlgorithm {
  if (value === undefined) return "ES256";
  const found = REPORT_ALGORITHMS.find((a) => a.toLowerCase() === value.toLowerCase());
  if (!found) throw usage(`keys generate: --alg must be one of ${REPORT_ALGORITHMS.join(", ")}; found '${value}'`);
  return found;
}

async function writeNew(path: string, text: string, mode: number): Promise<void> {
  try {
    // createNew refuses an existing file atomically; mode applies as the file is created, never after.
    await Deno.writeFile(path, utf8(text), { createNew: true, mode });
  } catch (error) {
    if (error instanceof Deno.errors.AlreadyExists) throw existing(path);
    throw new CliError(EXIT.MISSING, writeProblem(path, error));
  }
}

function existing(path: string): CliError {
  return usage(`keys generate: ${path} already exists; it is never overwritten (choose another --name or --out)`);
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.lstat(path);
    return true;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw new CliError(EXIT.MISSING, `Cannot read ${path}: ${cleanMessage(error)}`);
  }
}

const OPTIONS = {
  alg: { type: "string" },
  out: { type: "string" },
  name: { type: "string" },
  json: { type: "boolean" },
} as const;

async function generate({ values }: Parsed<typeof OPTIONS>, io: Io): Promise<number> {
  const alg = algorithm(values.alg);
  const name = values.name ?? "auditor";
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name)) {
    throw usage(`keys generate: --name must be letters, digits, '.', '_' or '-', found '${name}'`);
  }
  const dir = values.out ?? ".";
  const privatePath = join(dir, `${name}.key.pem`);
  const publicPath = join(dir, `${name}.pub.pem`);
  for (const path of [privatePath, publicPath]) if (await exists(path)) throw existing(path);

  const pair = await generateAuditorKey(alg);
  try {
    await Deno.mkdir(dir, { recursive: true });
  } catch (error) {
    throw new CliError(EXIT.MISSING, writeProblem(dir, error));
  }
  await writeNew(privatePath, pair.privatePem, 0o600);
  await writeNew(publicPath, pair.publicPem, 0o644);

  if (values.json) {
    io.out(JSON.stringify({
      alg,
      kid: pair.key.kid,
      privateKey: privatePath,
      publicKey: publicPath,
      publicKeyPem: pair.publicPem,
    }));
    return EXIT.OK;
  }
  io.out(`Wrote ${privatePath} (${alg} private key, mode 0600: keep it secret)`);
  io.out(`Wrote ${publicPath} (public key)`);
  io.out(`kid: ${pair.key.kid}`);
  io.out(pair.publicPem.trimEnd());
  return EXIT.OK;
}

/** The `keys` command. */
export const keysCommand: Command = defineGroup({
  name: "keys",
  summary: "generate an auditor key pair for signing reports",
  help: HELP,
  noun: "action",
  subcommands: [defineCommand({ name: "keys generate", help: HELP, options: OPTIONS, run: generate })],
});
