/**
 * A Deno Worker of `verify`: loads the same keys as the main thread, then verifies batches of statement files
 * with one shared cache and posts their outcomes back (see `bulk.ts`).
 *
 * @module
 */

/// <reference lib="deno.worker" />

import { type FileVerifier, fileVerifier, type WorkerReply, type WorkerRequest } from "./bulk.ts";
import { loadSignerPolicy, loadTrustStore } from "./trust.ts";

let verify: FileVerifier | undefined;

function reply(message: WorkerReply): void {
  self.postMessage(message);
}

async function handle(request: WorkerRequest): Promise<void> {
  if (request.kind === "setup") {
    const { store } = await loadTrustStore(request.setup.keys, request.setup.trustListSigners);
    verify = fileVerifier(store, request.setup.policy, await loadSignerPolicy(request.setup.signers)).verify;
    reply({ kind: "ready" });
    return;
  }
  if (!verify) throw new Error("a batch arrived before the setup");
  const outcomes = await Promise.all(request.files.map(verify));
  reply({ kind: "verified", batch: request.batch, outcomes });
}

self.onmessage = (event: MessageEvent<WorkerRequest>) => {
  handle(event.data).catch((error) => reply({ kind: "failed", message: (error as Error).message ?? String(error) }));
};
