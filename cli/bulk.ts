/**
 * Bulk verification for `verify`: many statement files verified with shared work (one
 * {@linkcode VerificationCache} per thread), a few at a time in this thread or spread over Deno Workers, and
 * handed back one by one in the order given, so that memory stays flat however many files there are.
 *
 * @module
 */

import { AuditError, isMalformedCode } from "../core/errors.ts";
import type { ReceiptPolicy } from "../core/receipts/policy.ts";
import type { TrustStore } from "../core/receipts/trust_store.ts";
import type { SignerPolicy } from "../core/statement/signer_policy.ts";
import { type StatementReport, verifyTransparentStatement } from "../core/statement/mod.ts";
import { VerificationCache, type VerificationCacheStats } from "../core/verification_cache.ts";
import { CliError, EXIT, exitFor, type ExitStatus } from "./exit.ts";
import { readInput } from "./io.ts";
import type { SignerOptions } from "./trust.ts";

/** One statement's outcome: a report, or the error that kept it from being verified. */
export type Outcome =
  | { readonly file: string; readonly report: StatementReport; readonly exit: ExitStatus }
  | { readonly file: string; readonly error: { code: string; message: string }; readonly exit: ExitStatus };

/** What every verifying thread needs to build the same verifier: the `--keys` arguments and the policy. */
export interface VerifierSetup {
  /** The `--keys` arguments, in order, e.g. `["ledger.example=keys.json"]`. */
  readonly keys: readonly string[];
  /** The `--trust-list-signer` arguments. */
  readonly trustListSigners: readonly string[];
  /** The receipt policy. */
  readonly policy: ReceiptPolicy;
  /** The signer options, from which each thread builds the same signer policy. */
  readonly signers: SignerOptions;
}

/** Statements a set must hold before `--workers auto` uses more than one worker. */
export const LARGE_SET = 200;

/** Statements verified at once in one thread: enough to overlap file reads with verification. */
const IN_FLIGHT = 8;

/** Reads and verifies one statement file, with the thread's shared cache. */
export type FileVerifier = (file: string) => Promise<Outcome>;

/**
 * Reads one statement file and verifies it with `verify`: the report and its exit status (3 when the statement is
 * malformed), or the error that kept it from being verified (a missing or unreadable file, an undecodable
 * statement), named by the file.
 */
export async function outcomeOf(
  file: string,
  verify: (bytes: Uint8Array) => Promise<StatementReport>,
): Promise<Outcome> {
  let bytes: Uint8Array;
  try {
    bytes = await readInput(file);
  } catch (error) {
    if (!(error instanceof CliError)) throw error;
    const code = error.exit === EXIT.MISSING ? "FILE_NOT_FOUND" : "INPUT_UNREADABLE";
    return { file, error: { code, message: error.message }, exit: error.exit };
  }
  try {
    const report = await verify(bytes);
    const malformed = report.error !== undefined && isMalformedCode(report.error.code);
    return { file, report, exit: report.valid ? EXIT.OK : malformed ? EXIT.MALFORMED : EXIT.FAILED };
  } catch (error) {
    if (!(error instanceof AuditError)) throw error;
    return { file, error: { code: error.code, message: `${file}: ${error.message}` }, exit: exitFor(error) };
  }
}

/**
 * Builds the verifier of one thread: every statement it verifies shares one {@linkcode VerificationCache}.
 *
 * @param trustStore The service keys.
 * @param policy The receipt policy.
 * @param signers Who may have signed the statements.
 * @returns The verifier, and the statistics of its cache.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { fileURLToPath } from "node:url";
 * import { importKeySet } from "../core/trust/import_keys.ts";
 * import { DEFAULT_RECEIPT_POLICY } from "../core/receipts/policy.ts";
 * import { TrustStore } from "../core/receipts/trust_store.ts";
 * import { fileVerifier } from "./bulk.ts";
 *
 * const fixture = (path: string) => fileURLToPath(new URL(`../fixtures/mst/${path}`, import.meta.url));
 * const store = new TrustStore();
 * const issuer = "ledger.contoso.example";
 * await importKeySet(store, Deno.readFileSync(fixture(`keys/${issuer}.jwks.json`)), { name: "jwks.json", issuer });
 * const { verify, stats } = fileVerifier(store, { ...DEFAULT_RECEIPT_POLICY, authorizedDomains: [issuer] });
 *
 * equal((await verify(fixture("statements/release-1.0.cose"))).exit, 0);
 * equal((await verify(fixture("statements/missing.cose"))).exit, 4);
 * equal(stats().signatureMisses, 1);
 * ```
 */
export function fileVerifier(
  trustStore: TrustStore,
  policy: ReceiptPolicy,
  signers: SignerPolicy = {},
): { verify: FileVerifier; stats: () => VerificationCacheStats } {
  const cache = new VerificationCache();
  const verify = (file: string) =>
    outcomeOf(file, (bytes) => verifyTransparentStatement(bytes, { trustStore, policy, signers, cache }));
  return { verify, stats: () => cache.stats() };
}

/**
 * Verifies files in this thread, a few at a time, yielding outcomes in the order of `files`.
 *
 * @param files The statement files.
 * @param verify The thread's verifier, from {@linkcode fileVerifier}.
 * @returns The outcomes, one per file, in the order of `files`.
 *
 * @example Usage
 * ```ts
 * import { deepEqual } from "node:assert/strict";
 * import { fileURLToPath } from "node:url";
 * import { importKeySet } from "../core/trust/import_keys.ts";
 * import { DEFAULT_RECEIPT_POLICY } from "../core/receipts/policy.ts";
 * import { TrustStore } from "../core/receipts/trust_store.ts";
 * import { fileVerifier, verifyInThread } from "./bulk.ts";
 *
 * const fixture = (path: string) => fileURLToPath(new URL(`../fixtures/mst/${path}`, import.meta.url));
 * const store = new TrustStore();
 * const issuer = "ledger.contoso.example";
 * await importKeySet(store, Deno.readFileSync(fixture(`keys/${issuer}.jwks.json`)), { name: "jwks.json", issuer });
 * const { verify } = fileVerifier(store, { ...DEFAULT_RECEIPT_POLICY, authorizedDomains: [issuer] });
 * const names = ["release-1.0.cose", "release-1.1.cose", "release-1.3.signed.cose"];
 * const files = names.map((name) => fixture(`statements/${name}`));
 *
 * const exits = [];
 * for await (const outcome of verifyInThread(files, verify)) exits.push(outcome.exit);
 * deepEqual(exits, [0, 0, 1]);
 * ```
 */
export async function* verifyInThread(files: readonly string[], verify: FileVerifier): AsyncGenerator<Outcome> {
  const pending: Promise<Outcome>[] = [];
  let next = 0;
  while (next < files.length || pending.length > 0) {
    while (next < files.length && pending.length < IN_FLIGHT) pending.push(verify(files[next++]!));
    yield await pending.shift()!;
  }
}

/** Messages to a verify worker. */
export type WorkerRequest =
  | { readonly kind: "setup"; readonly setup: VerifierSetup }
  | { readonly kind: "verify"; readonly batch: number; readonly files: readonly string[] };

/** Messages from a verify worker. */
export type WorkerReply =
  | { readonly kind: "ready" }
  | { readonly kind: "verified"; readonly batch: number; readonly outcomes: readonly Outcome[] }
  | { readonly kind: "failed"; readonly message: string };

/** Batches a worker holds at once: one being verified, one waiting, so a worker never idles. */
const BATCHES_PER_WORKER = 2;

/**
 * The batch size: consecutive files go to one worker so that statements under one receipt root (usually
 * neighbours in a sorted listing) share that worker's cache; small enough to keep both workers busy to the end.
 */
function batchSize(files: number, workers: number): number {
  return Math.max(1, Math.min(64, Math.ceil(files / (workers * 16))));
}

/** A worker, whether it has loaded its keys, and the number of batches it holds. */
interface Verifier {
  readonly worker: Worker;
  ready: boolean;
  outstanding: number;
}

/**
 * Verifies files in `workers` Deno Workers (each loads the same keys and keeps its own cache), yielding outcomes
 * in the order of `files`. At most a few batches per worker are in flight, so the reorder buffer stays small.
 *
 * @param files The statement files.
 * @param setup The `--keys` arguments, the policy and the signer options each worker builds its verifier from.
 * @param options The number of workers.
 * @returns The outcomes, one per file, in the order of `files`.
 * @throws {Error} When a worker fails (a key file it cannot load, an unexpected error).
 *
 * @example Usage
 * ```ts
 * import { deepEqual } from "node:assert/strict";
 * import { fileURLToPath } from "node:url";
 * import { DEFAULT_RECEIPT_POLICY } from "../core/receipts/policy.ts";
 * import { verifyInWorkers } from "./bulk.ts";
 *
 * const fixture = (path: string) => fileURLToPath(new URL(`../fixtures/mst/${path}`, import.meta.url));
 * const issuer = "ledger.contoso.example";
 * const setup = {
 *   keys: [`${issuer}=${fixture(`keys/${issuer}.jwks.json`)}`],
 *   trustListSigners: [],
 *   policy: { ...DEFAULT_RECEIPT_POLICY, authorizedDomains: [issuer] },
 *   signers: { signers: [], identities: [], patterns: [], roots: [], strict: false },
 * };
 * const names = ["release-1.0.cose", "release-1.1.cose", "release-1.3.signed.cose"];
 * const files = names.map((name) => fixture(`statements/${name}`));
 *
 * const exits = [];
 * for await (const outcome of verifyInWorkers(files, setup, { workers: 2 })) exits.push(outcome.exit);
 * deepEqual(exits, [0, 0, 1]);
 * ```
 */
export async function* verifyInWorkers(
  files: readonly string[],
  setup: VerifierSetup,
  options: { readonly workers: number },
): AsyncGenerator<Outcome> {
  const size = batchSize(files.length, options.workers);
  const batches = Math.ceil(files.length / size);
  const done = new Map<number, readonly Outcome[]>();
  let wake: (() => void) | undefined;
  let failure: Error | undefined;
  const signal = () => {
    wake?.();
    wake = undefined;
  };
  let nextBatch = 0;
  let emitted = 0;
  // Batches finished out of order wait in `done`; no batch is handed out this far ahead of the output.
  const window = options.workers * BATCHES_PER_WORKER * 2;
  const verifiers: Verifier[] = [];
  const dispatch = (v: Verifier) => {
    while (v.ready && v.outstanding < BATCHES_PER_WORKER && nextBatch < batches && nextBatch < emitted + window) {
      const batch = nextBatch++;
      v.outstanding++;
      const request: WorkerRequest = { kind: "verify", batch, files: files.slice(batch * size, (batch + 1) * size) };
      v.worker.postMessage(request);
    }
  };
  try {
    for (let i = 0; i < Math.min(options.workers, batches); i++) {
      const worker = new Worker(new URL("./verify_worker.ts", import.meta.url), { type: "module" });
      const v: Verifier = { worker, ready: false, outstanding: 0 };
      verifiers.push(v);
      worker.onmessage = (event: MessageEvent<WorkerReply>) => {
        const reply = event.data;
        if (reply.kind === "ready") {
          v.ready = true;
          dispatch(v);
        } else if (reply.kind === "verified") {
          done.set(reply.batch, reply.outcomes);
          v.outstanding--;
          dispatch(v);
        } else failure = new Error(`verify worker failed: ${reply.message}`);
        signal();
      };
      worker.onerror = (event) => {
        event.preventDefault();
        failure = new Error(`verify worker failed: ${event.message}`);
        signal();
      };
      const request: WorkerRequest = { kind: "setup", setup };
      worker.postMessage(request);
    }
    for (let batch = 0; batch < batches; batch++) {
      while (!done.has(batch)) {
        if (failure) throw failure;
        await new Promise<void>((resolve) => wake = resolve);
      }
      const outcomes = done.get(batch)!;
      done.delete(batch);
      emitted = batch + 1;
      for (const v of verifiers) dispatch(v);
      yield* outcomes;
    }
  } finally {
    for (const v of verifiers) v.worker.terminate();
  }
}
