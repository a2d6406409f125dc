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
