/** Runs the command line in process for tests, capturing its output lines. */

import { memoryIo } from "../cli/io.ts";
import { runCli } from "../cli/main.ts";

/** What one command-line run produced. */
export interface Run {
  readonly exit: number;
  readonly stdout: string[];
  readonly stderr: string[];
}

/** Runs `scitt-audit <args>` in process. */
export async function cli(...args: string[]): Promise<Run> {
  const io = memoryIo();
  const exit = await runCli(args, io);
  return { exit, stdout: io.stdout, stderr: io.stderr };
}

/**
 * This process's own deno binary, or `deno` from PATH when only that name may be run: `--allow-run=deno` does not
 * cover `Deno.execPath()` when `deno` on PATH is a symlink to it.
 */
export function denoBinary(): string {
  const own = Deno.execPath();
  return Deno.permissions.querySync({ name: "run", command: own }).state === "granted" ? own : "deno";
}
