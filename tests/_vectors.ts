/**
 * Locates the public test vectors in `../shared/vectors` (beside the repository), and registers tests that
 * say clearly that they were skipped when the folder is absent.
 *
 * @module
 */

import { fileURLToPath } from "node:url";

function locateVectors(): string | undefined {
  const envAllowed = Deno.permissions.querySync({ name: "env", variable: "SCITT_AUDIT_VECTORS" }).state === "granted";
  const override = envAllowed ? Deno.env.get("SCITT_AUDIT_VECTORS") : undefined;
  const candidate = override ?? fileURLToPath(new URL("../../shared/vectors", import.meta.url));
  try {
    return Deno.statSync(candidate).isDirectory ? candidate : undefined;
  } catch {
    return undefined;
  }
}

/** Absolute path of the shared vectors folder, or `undefined` when it is not present. */
export const VECTORS: string | undefined = locateVectors();

/** Registers a test that needs the shared vectors; it is ignored, and says so, when they are absent. */
export function vectorTest(name: string, fn: (dir: string, t: Deno.TestContext) => void | Promise<void>): void {
  const dir = VECTORS;
  if (dir === undefined) {
    Deno.test({ name: `${name} (skipped: ../shared/vectors not found)`, ignore: true, fn() {} });
    return;
  }
  Deno.test(name, (t) => fn(dir, t));
}

/** Reads a file under the shared vectors folder. */
export function readVector(dir: string, path: string): Uint8Array {
  return Deno.readFileSync(`${dir}/${path}`);
}
