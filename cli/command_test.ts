/**
 * The command scaffold of `cli/command.ts`: `--help`, the positional count, `-v` / `-q`, unknown options, a group's
 * subcommand table, the mapping of an error about a named file to one line, and `help <command> [<subcommand>]`.
 *
 * @module
 */

import assert from "node:assert/strict";
import { AuditError, VerificationError } from "../core/errors.ts";
import { type Command, defineCommand, defineGroup, fileError, withFile } from "./command.ts";
import { CliError } from "./exit.ts";
import { memoryIo, readInput } from "./io.ts";
import { runCli } from "./main.ts";
import { cli } from "../tests/_cli.ts";

const SHOW_HELP = "Usage: scitt-audit show <file>... [--depth N] [--json] [-v|-q]";

/** What the test command's `run` saw. */
let seen: unknown;

const show = defineCommand({
  name: "show",
  summary: "show files",
  help: SHOW_HELP,
  options: { depth: { type: "string" }, json: { type: "boolean" }, tag: { type: "string", multiple: true } },
  positionals: { min: 1, max: 2, usage: "name one or two files" },
  verbosity: true,
  run({ values, positionals }) {
    seen = { depth: values.depth, json: values.json, tag: values.tag, verbose: values.verbose, positionals };
    return 0;
  },
});

const bare = defineCommand({ name: "bare", help: "Usage: scitt-audit bare", options: {}, run: () => 0 });

/** Runs `command` and returns its exit status with what it printed, or the usage error it raised. */
async function outcome(command: Command, ...args: string[]): Promise<unknown> {
  const io = memoryIo();
  try {
    return { exit: await command.run(args, io), stdout: io.stdout, stderr: io.stderr };
  } catch (error) {
    if (!(error instanceof CliError)) throw error;
    return { exit: error.exit, error: error.message };
  }
}

Deno.test("defineCommand() hands run the typed values and the positional arguments", async () => {
  seen = undefined;
  assert.deepEqual(await outcome(show, "a", "--depth", "3", "--tag", "x", "b", "--tag=y", "-v"), {
    exit: 0,
    stdout: [],
    stderr: [],
  });
  assert.deepEqual(seen, { depth: "3", json: undefined, tag: ["x", "y"], verbose: true, positionals: ["a", "b"] });
});

Deno.test("defineCommand() prints the help for --help and -h and exits 0, whatever else is missing", async () => {
  for (const args of [["--help"], ["-h"], ["a", "b", "c", "-h"], ["-v", "-q", "--help"]]) {
    assert.deepEqual(await outcome(show, ...args), { exit: 0, stdout: [SHOW_HELP], stderr: [] }, args.join(" "));
  }
});

Deno.test("defineCommand() refuses a wrong number of positional arguments with the declared usage, exit 2", async () => {
  const wrong = { exit: 2, error: "show: name one or two files; see 'scitt-audit show --help'" };
  assert.deepEqual(await outcome(show), wrong);
  assert.deepEqual(await outcome(show, "a", "b", "c"), wrong);
  assert.deepEqual(await outcome(bare, "extra", "more"), {
    exit: 2,
    error: "bare: unexpected argument 'extra'; see 'scitt-audit bare --help'",
  });
});

Deno.test("defineCommand() declares -v/-q only with verbosity and refuses the two together, exit 2", async () => {
  for (const args of [["a", "-v", "-q"], ["a", "--quiet", "--verbose"], ["a", "-vq"]]) {
    assert.deepEqual(
      await outcome(show, ...args),
      { exit: 2, error: "show: --verbose and --quiet cannot be combined" },
      args.join(" "),
    );
  }
  assert.deepEqual(await outcome(bare, "-v"), {
    exit: 2,
    error: "bare: Unknown option '-v'; see 'scitt-audit bare --help'",
  });
});

Deno.test("defineCommand() reports an unknown option or a missing value as a usage error naming the command", async () => {
  assert.deepEqual(await outcome(show, "a", "--bogus"), {
    exit: 2,
    error: "show: Unknown option '--bogus'; see 'scitt-audit show --help'",
  });
  assert.deepEqual(await outcome(show, "a", "--depth"), {
    exit: 2,
    error: "show: Option '--depth <value>' argument missing; see 'scitt-audit show --help'",
  });
});

const GROUP_HELP = "Usage: scitt-audit tool make | take";
const make = defineCommand({
  name: "tool make",
  help: "Usage: scitt-audit tool make <thing>",
  options: {},
  positionals: { min: 1, max: 1, usage: "name one thing" },
  run: ({ positionals }, io) => {
    io.out(`made ${positionals[0]}`);
    return 0;
  },
});
const take = defineCommand({ name: "tool take", help: "Usage: scitt-audit tool take", options: {}, run: () => 1 });
const tool = defineGroup({ name: "tool", summary: "a group", help: GROUP_HELP, subcommands: [make, take] });

Deno.test("defineGroup() dispatches on its first argument; each subcommand has its own scaffold", async () => {
  assert.deepEqual(await outcome(tool, "make", "x"), { exit: 0, stdout: ["made x"], stderr: [] });
  assert.deepEqual(await outcome(tool, "take"), { exit: 1, stdout: [], stderr: [] });
  assert.deepEqual(await outcome(tool, "make", "--help"), {
    exit: 0,
    stdout: ["Usage: scitt-audit tool make <thing>"],
    stderr: [],
  });
  assert.deepEqual(await outcome(tool, "make"), {
    exit: 2,
    error: "tool make: name one thing; see 'scitt-audit tool make --help'",
  });
  assert.deepEqual(tool.subcommands, [make, take]);
});

Deno.test("defineGroup() prints its own help for --help, -h and help, and refuses a missing or unknown subcommand", async () => {
  for (const word of ["--help", "-h", "help"]) {
    assert.deepEqual(await outcome(tool, word), { exit: 0, stdout: [GROUP_HELP], stderr: [] }, word);
  }
  const expected = "expected make or take; see 'scitt-audit tool --help'";
  assert.deepEqual(await outcome(tool), { exit: 2, error: `tool: name a subcommand; ${expected}` });
  assert.deepEqual(await outcome(tool, "--json", "make"), {
    exit: 2,
    error: `tool: name a subcommand before its options; ${expected}`,
  });
  assert.deepEqual(await outcome(tool, "break"), { exit: 2, error: `tool: unknown subcommand 'break'; ${expected}` });
  const keys = defineGroup({ name: "keys", summary: "k", help: "h", noun: "action", subcommands: [take] });
  assert.deepEqual(await outcome(keys, "rotate"), {
    exit: 2,
    error: "keys: unknown action 'rotate'; expected take; see 'scitt-audit keys --help'",
  });
});

Deno.test("fileError() names the file and takes the exit status of the core's error; other errors pass unchanged", () => {
  const malformed = fileError("a.json", new AuditError("JSON_MALFORMED", "Cannot parse JSON: unexpected end"));
  assert.ok(malformed instanceof CliError);
  assert.deepEqual([malformed.exit, malformed.message], [3, "a.json: Cannot parse JSON: unexpected end"]);
  const failed = fileError("s.cose", new VerificationError("COSE_SIGNATURE_INVALID", "Signature verification failed"));
  assert.ok(failed instanceof CliError);
  assert.deepEqual([failed.exit, failed.message], [1, "s.cose: Signature verification failed"]);
  const usage = fileError("k.json", new AuditError("KEYSET_ISSUER_REQUIRED", "Cannot tell the issuer"));
  assert.ok(usage instanceof CliError && usage.exit === 2);
  const missing = new CliError(4, "Cannot read x: file not found");
  assert.equal(fileError("x", missing), missing);
  const bug = new TypeError("x is undefined");
  assert.equal(fileError("x", bug), bug);
});

Deno.test("withFile() returns what the read gives, and reports its errors with fileError()", async () => {
  assert.equal(await withFile("n.txt", () => 7), 7);
  assert.equal(await withFile("n.txt", () => Promise.resolve(8)), 8);
  await assert.rejects(
    withFile("r.json", () => {
      throw new AuditError("SIGSTORE_TRUSTED_ROOT_MALFORMED", "Cannot read the trusted root: no tlogs");
    }),
    { name: "CliError", exit: 3, message: "r.json: Cannot read the trusted root: no tlogs" },
  );
  await assert.rejects(
    withFile("absent.pem", () => readInput("absent.pem.does-not-exist")),
    { name: "CliError", exit: 4, message: "Cannot read absent.pem.does-not-exist: file not found" },
  );
});

Deno.test("help <command> <subcommand> prints the subcommand's help, as <command> <subcommand> --help does", async () => {
  for (
    const [group, sub] of [["ledger", "verify"], ["ledger", "compare"], ["sigstore", "verify"], ["keys", "generate"]]
  ) {
    const help = await cli("help", group!, sub!);
    assert.equal(help.exit, 0, `help ${group} ${sub}`);
    assert.deepEqual(help.stdout, (await cli(group!, sub!, "--help")).stdout);
    assert.ok(help.stdout[0]!.startsWith(`Usage: scitt-audit ${group} `), help.stdout[0]);
  }
  assert.deepEqual((await cli("help", "bundle")).stdout, (await cli("bundle", "--help")).stdout);
  const unknown = await cli("help", "ledger", "check");
  assert.deepEqual([unknown.exit, unknown.stderr], [2, [
    "scitt-audit: help: 'ledger check' is not a subcommand of 'ledger'; its subcommands: verify, entries, compare",
  ]]);
  const none = await cli("help", "inspect", "json");
  assert.deepEqual([none.exit, none.stderr], [2, [
    "scitt-audit: help: 'inspect json' is not a subcommand of 'inspect'; it has none",
  ]]);
});

Deno.test("every subcommand prints its usage for --help and documents its exit statuses", async () => {
  const subcommands = [
    ["bundle", "pack"],
    ["bundle", "list"],
    ["keys", "generate"],
    ["ledger", "verify"],
    ["ledger", "entries"],
    ["ledger", "compare"],
    ["report", "verify"],
    ["sigstore", "verify"],
  ];
  for (const [group, sub] of subcommands) {
    const io = memoryIo();
    assert.equal(await runCli([group!, sub!, "-h"], io), 0, `${group} ${sub} -h`);
    assert.equal(io.stdout.length, 1);
    assert.ok(io.stdout[0]!.startsWith(`Usage: scitt-audit ${group} `), io.stdout[0]);
    assert.match(io.stdout[0]!, /\nExit status: 0 /);
  }
});

Deno.test("the commands with -v and -q refuse them together in one usage line, exit 2", async () => {
  const commands = [
    ["run", "playbook.yaml"],
    ["verify", "s.cose"],
    ["ledger", "verify", "ledger/"],
    ["sigstore", "verify", "a.txt", "--bundle", "b.json"],
    ["collect", "--service", "https://127.0.0.1:1"],
  ];
  for (const args of commands) {
    const name = args[0] === "ledger" || args[0] === "sigstore" ? `${args[0]} ${args[1]}` : args[0];
    const run = await cli(...args, "-v", "-q");
    assert.deepEqual([run.exit, run.stdout, run.stderr], [2, [], [
      `scitt-audit: ${name}: --verbose and --quiet cannot be combined`,
    ]], args.join(" "));
  }
  const inspect = await cli("inspect", "s.cose", "-v");
  assert.deepEqual([inspect.exit, inspect.stderr], [2, [
    "scitt-audit: inspect: Unknown option '-v'; see 'scitt-audit inspect --help'",
  ]]);
});

Deno.test("a malformed trusted root is one line naming the file, with the exit status of the core's error", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const root = `${dir}/root.json`;
    const [bundle, artifact] = [`${dir}/b.json`, `${dir}/a.txt`];
    await Deno.writeTextFile(root, "[]");
    await Deno.writeTextFile(bundle, "{}");
    await Deno.writeTextFile(artifact, "a");
    const run = await cli("sigstore", "verify", artifact, "--bundle", bundle, "--trusted-root", root, "--key", root);
    assert.equal(run.exit, 3);
    assert.equal(run.stderr.length, 1);
    assert.ok(run.stderr[0]!.startsWith(`scitt-audit: ${root}: `), run.stderr[0]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
