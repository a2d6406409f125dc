/**
 * The layer check (`tools/check_layers.ts`) counts imports in doc examples as the code's own: an example that
 * imports from a layer above its file is an upward import, and two files whose examples import each other are a
 * cycle, as the shared import-graph check sees them.
 */

import * as assert from "node:assert/strict";
import { checkLayers } from "../tools/check_layers.ts";

async function tree(files: Record<string, string>): Promise<string> {
  const root = await Deno.makeTempDir();
  for (const [path, text] of Object.entries(files)) {
    await Deno.mkdir(`${root}/${path.split("/").slice(0, -1).join("/")}`, { recursive: true });
    await Deno.writeTextFile(`${root}/${path}`, text);
  }
  await Deno.mkdir(`${root}/cli`, { recursive: true });
  return root;
}

Deno.test("checkLayers() reports an upward import made by a doc example", async () => {
  const root = await tree({
    "core/bytes.ts":
      '/**\n * @example\n * ```ts\n * import { verify } from "./statement/mod.ts";\n * ```\n */\nexport const a = 1;\n',
    "core/statement/mod.ts": "export const verify = 1;\n",
  });
  try {
    assert.deepEqual(
      checkLayers(root).filter((p) => p.startsWith("upward")),
      [`upward: core/bytes.ts (layer 0) imports core/statement/mod.ts (layer 5)`],
    );
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("checkLayers() finds no problem where examples import only their own layer and below", async () => {
  const root = await tree({
    "core/bytes.ts": "export const a = 1;\n",
    "core/statement/mod.ts":
      '/**\n * @example\n * ```ts\n * import { a } from "../bytes.ts";\n * ```\n */\nexport const verify = 1;\n',
  });
  try {
    assert.deepEqual(checkLayers(root), []);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
