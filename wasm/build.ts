/**
 * Builds `wasm/merkle.wasm` from the AssemblyScript in `wasm/src/` with the pinned compiler and fixed options,
 * so every run gives the same bytes. With `--check` it builds in memory instead and fails when the bytes differ
 * from the committed module.
 *
 * @module
 */

import asc from "assemblyscript/asc";

const SOURCE = "wasm/src/index.ts";
const TARGET = "wasm/merkle.wasm";
const OPTIONS = [
  "--optimizeLevel",
  "3",
  "--shrinkLevel",
  "0",
  "--noAssert",
  // No allocator, no garbage collector: the module only uses the fixed memory map of wasm/src/layout.ts.
  "--runtime",
  "stub",
  // Traps stay traps instead of calling an imported `env.abort`, so the module imports nothing.
  "--use",
  "abort=",
  "--enable",
  "simd",
  // The memory map ends at 0x120000 = 18 pages; initial = maximum, so the memory never grows.
  "--initialMemory",
  "18",
  "--maximumMemory",
  "18",
  "--noColors",
];

/** Compiles the module and returns its bytes; nothing is written. */
async function compile(): Promise<Uint8Array> {
  let binary: Uint8Array | undefined;
  const { error, stderr } = await asc.main([SOURCE, "--outFile", TARGET, ...OPTIONS], {
    writeFile(name: string, contents: Uint8Array | string) {
      if (name.endsWith(".wasm") && typeof contents !== "string") binary = contents;
    },
  });
  if (error || binary === undefined) {
    throw new Error(`Cannot build ${TARGET}: ${error?.message ?? "the compiler wrote no module"}\n${stderr}`);
  }
  return binary;
}

const built = await compile();
if (Deno.args.includes("--check")) {
  const committed = await Deno.readFile(TARGET);
  if (built.length !== committed.length || built.some((byte, i) => byte !== committed[i])) {
    console.error(
      `${TARGET} does not match wasm/src: a rebuild gives ${built.length} bytes that differ from the committed ` +
        `${committed.length}; run "deno task wasm" and commit the result`,
    );
    Deno.exit(1);
  }
  console.log(`${TARGET} matches wasm/src (${built.length} bytes)`);
} else {
  await Deno.writeFile(TARGET, built);
  console.log(`Built ${TARGET} (${built.length} bytes)`);
}
