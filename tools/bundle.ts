/**
 * Bundles the command line into one JavaScript file with `deno bundle`, for the air-gap kit and the standalone
 * binary alike.
 *
 * - The WebAssembly Merkle core (`import * as wasm from "../wasm/merkle.wasm"`) is inlined by `deno bundle`
 *   itself: the module's bytes become a base64 string instantiated at load time.
 * - The `verify` worker (`new Worker(new URL("./verify_worker.ts", import.meta.url))` in `cli/bulk.ts`) is a
 *   second entry point that a bundler cannot see. It is bundled on its own and inlined as a `data:` URL in place
 *   of that one expression, as bundler worker plugins do: the build fails unless the expression occurs exactly
 *   once and nothing else in either bundle depends on the file's location.
 * - The result may import nothing but Node built-ins (`node:path`, `node:util`), which the runtime carries.
 *
 * @module
 */

function encodeBase64(bytes: Uint8Array): string {
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}
/** The repository root (this file is in `tools/`). */
export const REPO_ROOT = new URL("../", import.meta.url);

/** The worker expression in `cli/bulk.ts`, as `deno bundle` prints it. */
const WORKER_EXPRESSION = 'new URL("./verify_worker.ts", import.meta.url)';

async function denoBundle(entry: string, output: string): Promise<string> {
  const { code, stderr } = await new Deno.Command("deno", {
    args: ["bundle", "--quiet", "--platform", "deno", "--format", "esm", "--output", output, entry],
    cwd: REPO_ROOT,
    stdout: "inherit",
    stderr: "piped",
  }).output();
  if (code !== 0) {
    throw new Error(`deno bundle ${entry} failed:\n${new TextDecoder().decode(stderr)}`);
  }
  return await Deno.readTextFile(output);
}

function count(text: string, needle: string): number {
  return text.split(needle).length - 1;
}

/** Throws unless every static or dynamic import of a bundle names a Node built-in. */
function checkImports(name: string, code: string): void {
  const specifiers = [
    ...code.matchAll(/^\s*import\s[^;]*?\sfrom\s*["']([^"']+)["']/gm),
    ...code.matchAll(/^\s*import\s*["']([^"']+)["']/gm),
    ...code.matchAll(/\bimport\s*\(\s*["']([^"']+)["']/g),
  ].map((m) => m[1]!);
  const foreign = specifiers.filter((s) => !s.startsWith("node:"));
  if (foreign.length > 0) {
    throw new Error(`${name} still imports ${foreign.join(", ")}: the bundle must be self-contained`);
  }
  if (/\bimport\s*\(\s*[^"'\s]/.test(code)) {
    throw new Error(`${name} has a dynamic import of a computed specifier: the bundle must be self-contained`);
  }
}

/**
 * Bundles `cli/main.ts` (with the verify worker inlined) into `<stageDir>/scitt-audit.js` and returns its path.
 * `stageDir` must exist; `worker.js` and `main.js` are left beside it for inspection.
 */
export async function bundleProgram(stageDir: string): Promise<string> {
  const worker = await denoBundle("cli/verify_worker.ts", `${stageDir}/worker.js`);
  const main = await denoBundle("cli/main.ts", `${stageDir}/main.js`);
  checkImports("the worker bundle", worker);
  checkImports("the main bundle", main);
  if (count(main, WORKER_EXPRESSION) !== 1) {
    throw new Error(
      `the main bundle holds ${
        count(main, WORKER_EXPRESSION)
      } copies of ${WORKER_EXPRESSION} (expected 1): update tools/bundle.ts to the way cli/bulk.ts starts workers`,
    );
  }
  // The worker bundle carries bulk.ts's worker-starting code too, but a worker never starts workers.
  for (
    const [name, code, allowed] of [["main", main, 1], ["worker", worker, count(worker, WORKER_EXPRESSION)]] as const
  ) {
    if (count(code, "import.meta.url") !== allowed) {
      throw new Error(
        `the ${name} bundle uses import.meta.url beyond the worker: it would look for files the kit lacks`,
      );
    }
  }
  if (/\.wasm["']/.test(main) || /\.wasm["']/.test(worker)) {
    throw new Error("a bundle still refers to a .wasm file: the WebAssembly must be inlined");
  }
  const dataUrl = `data:text/javascript;base64,${encodeBase64(new TextEncoder().encode(worker))}`;
  const program = main.replace(WORKER_EXPRESSION, () => `new URL(${JSON.stringify(dataUrl)})`);
  const output = `${stageDir}/scitt-audit.js`;
  await Deno.writeTextFile(output, program);
  return output;
}
