/**
 * `deno task compile`: builds the standalone binary `dist/scitt-audit` with `deno compile` and prints its SHA-256.
 *
 * It compiles the same one-file bundle as the air-gap kit (`tools/bundle.ts`), not `cli/main.ts`: compiled from
 * source, the yaml package's browser build (imported from `node_modules/`) is left out of the binary, and the
 * verify worker would need `--include`. The bundle imports no npm package at all, so the binary embeds none
 * (`--no-npm`, `--no-config`: no deno.json, package.json or node_modules), and the WebAssembly is inside it.
 *
 * `deno compile` needs `denort`, the runtime the program is embedded into, for the pinned Deno release. It is
 * taken from `DENORT_BIN` or from Deno's cache; when neither has it, this stops with one line that says which
 * file to put where, instead of letting `deno compile` try to download it.
 *
 * @module
 */

import { bundleProgram, REPO_ROOT } from "./bundle.ts";
import {
  ISOLATION_FLAGS,
  PERMISSION_FLAGS,
  PINNED_DENO_VERSION,
  requirePinnedDeno,
  V8_FLAGS,
} from "./runtime_flags.ts";

/** Every flag given to `deno compile`: the flags that shape the program come from `runtime_flags.ts`. */
export const COMPILE_FLAGS: readonly string[] = [...ISOLATION_FLAGS, ...PERMISSION_FLAGS, ...V8_FLAGS];

async function exists(path: string): Promise<boolean> {
  try {
    return (await Deno.stat(path)).isFile;
  } catch {
    return false;
  }
}

async function denoDir(): Promise<string> {
  const { code, stdout } = await new Deno.Command("deno", { args: ["info", "--json"], stderr: "inherit" }).output();
  if (code !== 0) throw new Error("compile: `deno info --json` failed");
  return (JSON.parse(new TextDecoder().decode(stdout)) as { denoDir: string }).denoDir;
}

/** Where `deno compile` finds denort, or a one-line explanation of what is missing. */
async function locateDenort(): Promise<{ env: Record<string, string> } | { missing: string }> {
  const archive = `denort-${Deno.build.target}.zip`;
  const fromEnv = Deno.env.get("DENORT_BIN");
  if (fromEnv) {
    if (await exists(fromEnv)) return { env: { DENORT_BIN: fromEnv } };
    return {
      missing: `compile: DENORT_BIN=${fromEnv} does not exist; point it at the denort of Deno ${PINNED_DENO_VERSION}`,
    };
  }
  const folder = `${await denoDir()}/dl/release/v${PINNED_DENO_VERSION}`;
  if (await exists(`${folder}/${archive}`)) return { env: {} };
  return {
    missing:
      `compile: denort for Deno ${PINNED_DENO_VERSION} is missing: put ${archive} (from the Deno v${PINNED_DENO_VERSION} release downloads) in ${folder}/, or set DENORT_BIN=/path/to/denort (unzipped)`,
  };
}

async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

async function main(): Promise<number> {
  requirePinnedDeno("compile");
  const denort = await locateDenort();
  if ("missing" in denort) {
    console.error(denort.missing);
    return 1;
  }
  const dist = new URL("dist", REPO_ROOT).pathname;
  const stage = `${dist}/.compile-build`;
  await Deno.remove(stage, { recursive: true }).catch(() => {});
  await Deno.mkdir(stage, { recursive: true });
  const program = await bundleProgram(stage);
  const output = `${dist}/scitt-audit`;
  const { code } = await new Deno.Command("deno", {
    args: ["compile", "--quiet", ...COMPILE_FLAGS, "--output", output, program],
    env: denort.env,
    stdout: "inherit",
    stderr: "inherit",
  }).output();
  await Deno.remove(stage, { recursive: true });
  if (code !== 0) {
    console.error("compile: deno compile failed");
    return 1;
  }
  const sha256 = await sha256Hex(await Deno.readFile(output));
  await Deno.writeTextFile(`${output}.sha256`, `${sha256}  scitt-audit\n`);
  console.log(`binary:  dist/scitt-audit (${((await Deno.stat(output)).size / 1e6).toFixed(1)} MB)`);
  console.log(`SHA-256: ${sha256}  scitt-audit`);
  return 0;
}

if (import.meta.main) {
  try {
    Deno.exit(await main());
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    Deno.exit(1);
  }
}
