/**
 * `deno task layers` (part of `deno task ok`): the import graph of `core/` and `cli/` must have no cycle, no file
 * may import another folder's `_private` file, and no file may import a layer above its own. The layers, lowest
 * first, are declared in {@linkcode LAYERS}; a file belongs to the layer of the longest prefix of its path. Imports
 * in doc examples count as well (a reader following an example reads what it imports, and `deno test --doc` loads
 * it), so an example may use only its own layer and the ones below.
 *
 * @module
 */

import { dirname, join, normalize, relative } from "node:path";

/** The layers, lowest first: a file may import its own layer and the ones below. */
export const LAYERS: readonly (readonly string[])[] = [
  ["core/errors.ts", "core/bytes.ts", "core/time.ts"],
  // Encoders and decoders of formats; canonical JSON (RFC 8785) serves reports, bundles, logs and provenance.
  [
    "core/cbor.ts",
    "core/cbor_encode.ts",
    "core/der_encode.ts",
    "core/der.ts",
    "core/pem.ts",
    "core/merkle/",
    "core/report/canonical_json.ts",
    "core/check.ts",
    "core/input_kind.ts",
  ],
  ["core/crypto/"],
  ["core/cose/", "core/x509/"],
  ["core/receipts/", "core/verification_cache.ts"],
  // The statement pipeline, then trust material that is itself a statement (signed trust lists) or loads one.
  ["core/statement/"],
  ["core/trust/"],
  // Evidence kinds, and descriptions of evidence for `inspect` (which read every kind below them).
  ["core/attestation/", "core/ledger/", "core/sigstore/", "core/cose/describe.ts"],
  ["core/bundle/", "core/report/", "core/collect/"],
  ["core/playbook/"],
  ["cli/"],
];

/** An `import` / `export … from` with a relative specifier, in code or on a JSDoc example line (` * import …`). */
const IMPORT =
  /^\s*(?:\*\s*)?(?:import|export)\s[^;]*?\sfrom\s+["'](\.{1,2}\/[^"']+)["']|^\s*(?:\*\s*)?import\s+["'](\.{1,2}\/[^"']+)["']/gm;

function layerOf(path: string): number {
  let best = { layer: LAYERS.length, length: -1 };
  LAYERS.forEach((layer, i) => {
    for (const prefix of layer) {
      if (path.startsWith(prefix) && prefix.length > best.length) best = { layer: i, length: prefix.length };
    }
  });
  return best.layer;
}

function packageOf(path: string): string {
  return path.split("/").slice(0, 2).join("/");
}

function sources(root: string, folder: string): string[] {
  const out: string[] = [];
  for (const entry of Deno.readDirSync(join(root, folder))) {
    const path = `${folder}/${entry.name}`;
    if (entry.isDirectory) out.push(...sources(root, path));
    else if (entry.name.endsWith(".ts") && !entry.name.endsWith("_test.ts")) out.push(path);
  }
  return out.sort();
}

/** The problems in the tree under `root`, one line each. */
export function checkLayers(root: string): string[] {
  const files = [...sources(root, "core"), ...sources(root, "cli")];
  const known = new Set(files);
  const graph = new Map<string, string[]>();
  const problems: string[] = [];
  for (const file of files) {
    if (layerOf(file) === LAYERS.length) problems.push(`unassigned: ${file} is in no layer of tools/check_layers.ts`);
    const edges: string[] = [];
    for (const match of Deno.readTextFileSync(join(root, file)).matchAll(IMPORT)) {
      const target = normalize(join(dirname(file), match[1] ?? match[2]!)).split("\\").join("/");
      if (!known.has(target)) continue;
      edges.push(target);
      const name = target.split("/").pop()!;
      if (name.startsWith("_") && packageOf(target) !== packageOf(file)) {
        problems.push(`private: ${file} imports ${target}, private to ${packageOf(target)}`);
      }
      if (layerOf(target) > layerOf(file)) {
        problems.push(`upward: ${file} (layer ${layerOf(file)}) imports ${target} (layer ${layerOf(target)})`);
      }
    }
    graph.set(file, edges);
  }
  for (const cycle of cycles(graph)) problems.push(`cycle: ${cycle.join(" -> ")} -> ${cycle[0]}`);
  return problems;
}

/** Strongly connected components of more than one file (Tarjan), each in a stable order. */
function cycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const out: string[][] = [];
  const visit = (v: string) => {
    index.set(v, counter);
    low.set(v, counter++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1) out.push(component.sort());
    }
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return out.sort((a, b) => a[0]! < b[0]! ? -1 : 1);
}

if (import.meta.main) {
  const root = relative(Deno.cwd(), new URL("..", import.meta.url).pathname) || ".";
  const problems = checkLayers(root);
  for (const problem of problems) console.error(problem);
  if (problems.length > 0) {
    console.error(`layers: ${problems.length} problem(s); the layer order is declared in tools/check_layers.ts`);
    Deno.exit(1);
  }
  console.log("layers: no cycle, no private import across folders, no upward import");
}
