/**
 * `deno task install`: installs `scitt-audit` on PATH from this checkout with `deno install -g`, honouring
 * `DENO_INSTALL_ROOT` (default `~/.deno`; the command lands in its `bin/`). The installed command runs with a
 * fixed permission set: read anywhere, write only under the folder it is started in and the path named by --out,
 * and nothing else (no
 * network, no environment, no subprocesses, no prompts, no code generation from strings). Every path it is
 * given is relative to the user's current folder, wherever the checkout is.
 *
 * ```
 * deno task install                 # into $DENO_INSTALL_ROOT/bin or ~/.deno/bin
 * deno task install --root DIR      # into DIR/bin
 * ```
 *
 * @module
 */

import { V8_FLAGS } from "./runtime_flags.ts";

/** The command's name on PATH. */
export const COMMAND_NAME = "scitt-audit";

/**
 * The permissions of the installed command (and of the kit's launcher), as its shell script passes them: read
 * anywhere; write under `$write`, which {@linkcode WRITE_SCOPE_SCRIPT} sets to the folder the command is started
 * in (`.`, resolved then, so the user's folder, not the checkout) and the path named by `--out` / `-o`.
 */
export const INSTALL_PERMISSION_FLAGS: readonly string[] = ["--allow-read", '--allow-write="$write"', "--no-prompt"];

/** Every flag the installed command gives `deno run`, in order (as the launcher script writes them). */
export const INSTALL_FLAGS: readonly string[] = [...INSTALL_PERMISSION_FLAGS, ...V8_FLAGS];

/**
 * POSIX sh that sets `$write` from the command's arguments: `.` and the value of each `--out DIR`, `--out=DIR` or
 * `-o FILE`. A path holding a comma is refused, since Deno reads commas in `--allow-write` as separators.
 */
export const WRITE_SCOPE_SCRIPT = `write=.
take=
for arg in "$@"; do
  if [ -n "$take" ]; then out=$arg; take=; else
    case $arg in
      --out|-o) take=1; continue ;;
      --out=*) out=\${arg#--out=} ;;
      *) continue ;;
    esac
  fi
  case $out in
    *,*) echo "scitt-audit: cannot write to '$out': a path holding a comma cannot be granted; choose another" >&2; exit 2 ;;
  esac
  write="$write,$out"
done
`;

const REPO = new URL("..", import.meta.url);

/** The `deno install` arguments that install the command, e.g. with `root` `/opt/tools`. */
export function installArgs(options: { readonly root?: string } = {}): string[] {
  return [
    "install",
    "--global",
    "--force",
    "--name",
    COMMAND_NAME,
    ...(options.root !== undefined ? ["--root", options.root] : []),
    "--config",
    new URL("deno.json", REPO).pathname,
    // deno install writes a fixed set; `install()` then makes the write scope the one WRITE_SCOPE_SCRIPT sets.
    ...INSTALL_FLAGS.map((flag) => flag === '--allow-write="$write"' ? "--allow-write=." : flag),
    new URL("cli/main.ts", REPO).pathname,
  ];
}

/** Installs the command and returns the path of its launcher, as `deno install` reports it. */
export async function install(options: { readonly root?: string } = {}): Promise<string> {
  const own = Deno.execPath();
  const deno = Deno.permissions.querySync({ name: "run", command: own }).state === "granted" ? own : "deno";
  const { success, stdout, stderr } = await new Deno.Command(deno, {
    args: installArgs(options),
    stdout: "piped",
    stderr: "piped",
    stdin: "null",
    env: { NO_COLOR: "1" },
  }).output();
  const text = new TextDecoder().decode(stdout) + new TextDecoder().decode(stderr);
  if (!success) throw new Error(`install: deno install failed:\n${text.trim()}`);
  const launcher = text.split("\n").map((l) => l.trim()).find((l) =>
    l.endsWith(`/${COMMAND_NAME}`) || l.endsWith(`\\${COMMAND_NAME}.cmd`)
  );
  if (launcher?.endsWith(`/${COMMAND_NAME}`)) widenWriteScope(launcher);
  return launcher ?? COMMAND_NAME;
}

/** Rewrites deno install's shell launcher so that it may also write the path named by `--out` / `-o`. */
function widenWriteScope(launcher: string): void {
  const script = Deno.readTextFileSync(launcher);
  if (!script.startsWith("#!/bin/sh\n") || !script.includes(" --allow-write=. ")) {
    throw new Error(`install: unexpected launcher written by deno install at ${launcher}`);
  }
  const [shebang, ...rest] = script.split("\n");
  const body = rest.join("\n").replace(" --allow-write=. ", ' --allow-write="$write" ');
  Deno.writeTextFileSync(
    launcher,
    `${shebang}\n# The write scope: the folder scitt-audit is started in and the path named by --out / -o.\n${WRITE_SCOPE_SCRIPT}${body}`,
  );
}

/** The folder `deno task` was started in (it runs tasks in the checkout and says where the user was). */
function userFolder(): string | undefined {
  const allowed = Deno.permissions.querySync({ name: "env", variable: "INIT_CWD" }).state === "granted";
  return allowed ? Deno.env.get("INIT_CWD") : undefined;
}

if (import.meta.main) {
  const args = [...Deno.args];
  let root: string | undefined;
  for (let i = 0; i < args.length; i++) {
    if (args[i] === "--root" && args[i + 1] !== undefined) root = args[++i];
    else if (args[i]!.startsWith("--root=")) root = args[i]!.slice("--root=".length);
    else {
      console.error(`install: unknown argument '${args[i]}'; usage: deno task install [--root DIR]`);
      Deno.exit(2);
    }
  }
  try {
    const base = userFolder();
    if (root !== undefined && base !== undefined && !/^([/\\]|[A-Za-z]:)/.test(root)) root = `${base}/${root}`;
    const launcher = await install(root !== undefined ? { root } : {});
    console.log(`Installed ${COMMAND_NAME}: ${launcher}`);
    console.log(`It reads any file you name and writes only under the folder you run it in and the --out you name.`);
    console.log(`If '${COMMAND_NAME} --version' is not found, add the folder above to PATH.`);
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    Deno.exit(1);
  }
}
