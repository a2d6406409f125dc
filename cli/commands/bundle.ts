/**
 * `scitt-audit bundle pack | list`: packs a playbook and every file it names into one audit bundle, and lists a
 * bundle's verified contents. The format is described in `core/bundle/format.ts`.
 *
 * @module
 */

import { dirname, isAbsolute, relative, resolve, sep } from "node:path";
import { toHex } from "../../core/bytes.ts";
import { encodeBundle, readBundle, resolveMemberPath } from "../../core/bundle/mod.ts";
import { sha256 } from "../../core/crypto/digest.ts";
import { signBundle } from "../../core/report/bundle_signature.ts";
import { importAuditorKey } from "../../core/report/signing_key.ts";
import { openAudit } from "../audit.ts";
import { type Command, defineCommand, defineGroup, type Parsed } from "../command.ts";
import { CliError, EXIT, usage } from "../exit.ts";
import { cleanMessage, type Io, readInput } from "../io.ts";
import { writeProblem } from "../report_output.ts";

const HELP = `Usage: scitt-audit bundle pack <playbook.yaml> -o <audit.bundle> [--sign KEY [--issuer NAME]]
       scitt-audit bundle list <audit.bundle> [--json]

pack  checks the playbook, then writes one file holding it and every file it names (statements, key files,
      roots, artifacts), each with its SHA-256 in a manifest. Members keep their places relative to the
      playbook, under the nearest folder holding them all. The auditor's signing key is never packed: a
      bundle's report.signing-key is read beside the bundle file.
list  verifies a bundle (layout, member paths, every SHA-256) and lists its members.

'scitt-audit run audit.bundle' verifies the bundle first and reads everything from it, in memory.

Options:
  -o, --out FILE  the bundle to write (pack)
  --sign KEY      also write <audit.bundle>.cose: the bundle's SHA-256 signed with this private key (PKCS#8 PEM
                  or private JWK; 'scitt-audit keys generate' makes one), checked by 'run --bundle-key'
  --issuer NAME   iss of that signature (default: the key's kid)
  --json          print the manifest as JSON (list)
  -h, --help      this help

Exit status: 0 done; 2 usage error; 3 malformed playbook or bundle (a member that does not match the manifest,
a path outside the bundle); 4 a named file is missing or the bundle cannot be written.`;

function memberPath(root: string, absolute: string): string {
  return relative(root, absolute).split(sep).join("/");
}

function realPath(path: string): string {
  try {
    return Deno.realPathSync(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) throw new CliError(EXIT.MISSING, `Cannot read ${path}: file not found`);
    throw new CliError(EXIT.MISSING, `Cannot read ${path}: ${cleanMessage(error)}`);
  }
}

function commonFolder(paths: readonly string[]): string {
  const split = paths.map((p) => dirname(p).split(sep));
  const first = split[0]!;
  let n = first.length;
  for (const parts of split) {
    let i = 0;
    while (i < n && i < parts.length && parts[i] === first[i]) i++;
    n = i;
  }
  return first.slice(0, n).join(sep) || sep;
}

async function pack(
  playbookPath: string,
  out: string,
  io: Io,
  sign?: { readonly key: string; readonly issuer?: string },
): Promise<number> {
  // The signing key is read and checked before anything is packed.
  const key = sign ? await importAuditorKey(await readInput(sign.key), { what: `packer key ${sign.key}` }) : undefined;
  const opened = await openAudit(playbookPath);
  if (opened.bundled) throw usage(`bundle pack: ${playbookPath} is already a bundle`);
  const playbook = opened.playbook;
  for (const file of playbook.files) {
    if (isAbsolute(file.path)) {
      throw new CliError(EXIT.MALFORMED, `${file.at}: bundles need relative paths; '${file.path}' is absolute`);
    }
  }
  const playbookAbsolute = resolve(playbookPath);
  const absolute = playbook.files.map((f) => resolve(dirname(playbookAbsolute), f.path));
  const root = commonFolder([playbookAbsolute, ...absolute]);
  const realRoot = realPath(root);
  for (const [i, file] of playbook.files.entries()) {
    const real = realPath(absolute[i]!);
    const inside = relative(realRoot, real);
    if (inside.startsWith("..") || isAbsolute(inside)) {
      throw new CliError(
        EXIT.MALFORMED,
        `${file.at}: '${file.path}' is a symbolic link to ${real}, outside the playbook's folder ${root}; a bundle holds only files inside it`,
      );
    }
  }
  const playbookMember = memberPath(root, playbookAbsolute);
  const members = new Map<string, Uint8Array>([[playbookMember, await readInput(playbookPath)]]);
  for (const [i, file] of playbook.files.entries()) {
    const member = memberPath(root, absolute[i]!);
    if (resolveMemberPath(playbookMember, file.path) !== member) {
      throw new CliError(EXIT.MALFORMED, `${file.at}: cannot place '${file.path}' in a bundle`);
    }
    if (!members.has(member)) members.set(member, await opened.read(file.path));
  }
  const bytes = await encodeBundle(playbookMember, [...members].map(([path, data]) => ({ path, bytes: data })));
  try {
    await Deno.writeFile(out, bytes);
  } catch (error) {
    throw new CliError(EXIT.MISSING, writeProblem(out, error));
  }
  io.out(`Packed ${members.size} files (${bytes.length} bytes) into ${out}; playbook ${playbookMember}`);
  if (key) {
    const iat = Math.floor(Date.now() / 1000);
    const cose = await signBundle(bytes, key, { issuer: sign?.issuer ?? key.kid, iat });
    try {
      await Deno.writeFile(`${out}.cose`, cose);
    } catch (error) {
      throw new CliError(EXIT.MISSING, writeProblem(`${out}.cose`, error));
    }
    io.out(`Signed with key ${key.kid}: ${out}.cose`);
  }
  io.out(`SHA-256 of the bundle: ${toHex(await sha256(bytes))}`);
  return EXIT.OK;
}

async function list(bundlePath: string, json: boolean, io: Io): Promise<number> {
  const bytes = await readInput(bundlePath);
  const bundle = await readBundle(bytes);
  const digest = toHex(await sha256(bytes));
  if (json) {
    io.out(JSON.stringify({ file: bundlePath, sha256: digest, playbook: bundle.playbook, files: bundle.manifest }));
    return EXIT.OK;
  }
  io.out(`${bundlePath}: playbook ${bundle.playbook}, ${bundle.manifest.length} files, every SHA-256 verified`);
  const width = Math.max(...bundle.manifest.map((f) => String(f.size).length));
  for (const f of bundle.manifest) io.out(`${f.sha256}  ${String(f.size).padStart(width)}  ${f.path}`);
  io.out(`SHA-256 of the bundle: ${digest}`);
  return EXIT.OK;
}

const PACK_OPTIONS = {
  out: { type: "string", short: "o" },
  sign: { type: "string" },
  issuer: { type: "string" },
} as const;

async function packCommand({ values, positionals }: Parsed<typeof PACK_OPTIONS>, io: Io): Promise<number> {
  if (values.out === undefined) throw usage("bundle pack: name the bundle to write with -o FILE");
  if (values.issuer !== undefined && values.sign === undefined) throw usage("bundle pack: --issuer needs --sign KEY");
  const sign = values.sign === undefined
    ? undefined
    : { key: values.sign, ...(values.issuer !== undefined ? { issuer: values.issuer } : {}) };
  return await pack(positionals[0]!, values.out, io, sign);
}

/** The `bundle` command. */
export const bundleCommand: Command = defineGroup({
  name: "bundle",
  summary: "pack a playbook and its evidence into one verified file, or list one",
  help: HELP,
  noun: "action",
  subcommands: [
    defineCommand({
      name: "bundle pack",
      help: HELP,
      options: PACK_OPTIONS,
      positionals: { min: 1, max: 1, usage: "name one playbook" },
      run: packCommand,
    }),
    defineCommand({
      name: "bundle list",
      help: HELP,
      options: { json: { type: "boolean" } },
      positionals: { min: 1, max: 1, usage: "name one bundle" },
      run: ({ values, positionals }, io) => list(positionals[0]!, values.json ?? false, io),
    }),
  ],
});
