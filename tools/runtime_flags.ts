/**
 * The one place that says how the shipped program runs: the Deno version it is built with and the flags that the
 * standalone binary (`deno task compile`) and the air-gap kit's launcher (`deno task kit`) both apply. Read and
 * write access only; no network, environment, subprocesses, FFI, system information or prompts; no code generation
 * from strings.
 *
 * @module
 */

/** The Deno release the binary and the kit are built with (the same as `.ci/run` installs from npm). */
export const PINNED_DENO_VERSION = "2.9.6";

/** The permission set of the program: everything not granted here is refused without a prompt. */
export const PERMISSION_FLAGS: readonly string[] = ["--allow-read", "--allow-write", "--no-prompt"];

/** V8 flags: `eval`, `new Function` and friends throw instead of compiling code from strings. */
export const V8_FLAGS: readonly string[] = ["--v8-flags=--disallow-code-generation-from-strings"];

/**
 * Module loading for a program that is already one file: no remote modules, no npm packages, no deno.json or
 * package.json from the working folder, no lock file, and nothing fetched into a cache.
 */
export const ISOLATION_FLAGS: readonly string[] = [
  "--no-remote",
  "--no-npm",
  "--no-config",
  "--no-lock",
  "--cached-only",
];

/** Fails unless the running Deno is the pinned release. */
export function requirePinnedDeno(tool: string): void {
  if (Deno.version.deno !== PINNED_DENO_VERSION) {
    throw new Error(
      `${tool}: needs Deno ${PINNED_DENO_VERSION} (running ${Deno.version.deno}); install it with npm install -g deno@${PINNED_DENO_VERSION}`,
    );
  }
}
