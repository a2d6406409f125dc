/**
 * Builds the project's WebAssembly modules from their AssemblyScript with the pinned compiler and fixed options,
 * so every run gives the same bytes: `wasm/merkle.wasm` from `wasm/src/` and `wasm/signature.wasm` from
 * `wasm/signature/`. With `--check` it builds in memory instead and fails when any module's bytes differ from the
 * committed one.
 *
 * @module
 */

import asc from "npm:assemblyscript@0.28.20/asc";
import { fieldSource } from "./field_gen.ts";

/** The generated source of the signature core's field arithmetic. */
const FIELD_SOURCE = "wasm/signature/field.ts";

/** One module: its entry file, its output and the pages of its fixed memory map (initial = maximum). */
interface Module {
  readonly source: string;
  readonly target: string;
  readonly pages: number;
}

const MODULES: readonly Module[] = [
  // The Merkle memory map ends at 0x120000 = 18 pages.
  { source: "wasm/src/index.ts", target: "wasm/merkle.wasm", pages: 18 },
  // The signature core's map ends at 0xa0000 = 10 pages (wasm/README.md).
  { source: "wasm/signature/index.ts", target: "wasm/signature.wasm", pages: 10 },
];

function options(pages: number): string[] {
  return [
    "--optimizeLevel",
    "3",
    "--shrinkLevel",
    "0",
    "--noAssert",
    // No allocator, no garbage collector: each module only uses its fixed memory map.
    "--runtime",
    "stub",
    // Traps stay traps instead of calling an imported `env.abort`, so the module imports nothing.
    "--use",
    "abort=",
    "--enable",
    "simd",
    // initial = maximum, so the memory never grows.
    "--initialMemory",
    String(pages),
    "--maximumMemory",
    String(pages),
    "--noColors",
  ];
}

/** Compiles one module and returns its bytes; nothing is written. */
async function compile({ source, target, pages }: Module): Promise<Uint8Array> {
  let binary: Uint8Array | undefined;
  const { error, stderr } = await asc.main([source, "--outFile", target, ...options(pages)], {
    writeFile(name: string, contents: Uint8Array | string) {
      if (name.endsWith(".wasm") && typeof contents !== "string") binary = contents;
    },
  });
  if (error || binary === undefined) {
    throw new Error(`Cannot build ${target}: ${error?.message ?? "the compiler wrote no module"}\n${stderr}`);
  }
  return binary;
}

const check = Deno.args.includes("--check");
let failed = false;
const field = fieldSource();
if (check) {
  const committed = await Deno.readTextFile(FIELD_SOURCE).catch(() => "");
  if (committed !== field) {
    console.error(`${FIELD_SOURCE} does not match wasm/field_gen.ts; run "deno task wasm" and commit the result`);
    failed = true;
  }
} else {
  await Deno.writeTextFile(FIELD_SOURCE, field);
}
for (const module of MODULES) {
  const built = await compile(module);
  const { target } = module;
  if (check) {
    const committed = await Deno.readFile(target).catch(() => new Uint8Array());
    if (built.length !== committed.length || built.some((byte, i) => byte !== committed[i])) {
      console.error(
        `${target} does not match its source: a rebuild gives ${built.length} bytes that differ from the committed ` +
          `${committed.length}; run "deno task wasm" and commit the result`,
      );
      failed = true;
    } else {
      console.log(`${target} matches its source (${built.length} bytes)`);
    }
  } else {
    await Deno.writeFile(target, built);
    console.log(`Built ${target} (${built.length} bytes)`);
  }
}
if (failed) Deno.exit(1);
