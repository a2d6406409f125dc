/**
 * The resume cache of a collection: every fetched body and its provenance record is kept in `<out>.parts/`
 * as it arrives (each file written to a temporary name, then renamed), so an interrupted or failed run leaves
 * whole files only. A re-run with the same `--out` reuses the immutable ones (committed entries, committed
 * ledger chunks) whose bytes still have the SHA-256 their record gives, from that folder or from an existing
 * bundle at `--out`. The folder is removed once the bundle is written.
 *
 * @module
 */

import { dirname, join } from "node:path";
import { fromUtf8, toHex, utf8 } from "../../core/bytes.ts";
import { isBundle, readBundle } from "../../core/bundle/mod.ts";
import { PROVENANCE_MEMBER, type ProvenanceRecord, readProvenance } from "../../core/collect/provenance.ts";
import { sha256 } from "../../core/crypto/digest.ts";
import { AuditError } from "../../core/errors.ts";

/** A reusable file. */
export interface Part {
  readonly bytes: Uint8Array;
  readonly record: ProvenanceRecord;
}

async function readIfFile(path: string): Promise<Uint8Array | undefined> {
  try {
    return await Deno.readFile(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound || error instanceof Deno.errors.IsADirectory) return undefined;
    throw error;
  }
}

/** Writes a file under a temporary name beside it, then renames it into place: a reader never sees half of it. */
export async function writeAtomically(path: string, bytes: Uint8Array): Promise<void> {
  await Deno.mkdir(dirname(path), { recursive: true });
  const temporary = `${path}.tmp-${crypto.randomUUID().slice(0, 8)}`;
  try {
    await Deno.writeFile(temporary, bytes);
    await Deno.rename(temporary, path);
  } catch (error) {
    await Deno.remove(temporary).catch(() => {});
    throw error;
  }
}

async function intact(part: Part): Promise<boolean> {
  return part.bytes.length === part.record.size && toHex(await sha256(part.bytes)) === part.record.sha256;
}

/** The cache for one `--out`. */
export class PartsCache {
  /** The folder, `<out>.parts`. */
  readonly dir: string;
  readonly #reusable = new Map<string, Part>();
  /** How many files were reused. */
  reused = 0;

  private constructor(dir: string) {
    this.dir = dir;
  }

  /** Opens the cache of `out`, reading what an earlier run left there and in an existing bundle at `out`. */
  static async open(out: string): Promise<PartsCache> {
    const cache = new PartsCache(`${out}.parts`);
    const existing = await readIfFile(out);
    if (existing && isBundle(existing)) {
      try {
        const bundle = await readBundle(existing);
        const manifest = bundle.files.get(PROVENANCE_MEMBER);
        for (const record of manifest ? readProvenance(manifest).files : []) {
          const bytes = bundle.files.get(record.path);
          if (bytes) await cache.#offer({ bytes, record });
        }
      } catch (error) {
        if (!(error instanceof AuditError)) throw error;
      }
    }
    await cache.#readFolder(join(cache.dir, "records"), "");
    return cache;
  }

  async #offer(part: Part): Promise<void> {
    if (await intact(part)) this.#reusable.set(part.record.path, part);
  }

  async #readFolder(folder: string, prefix: string): Promise<void> {
    let entries: Deno.DirEntry[];
    try {
      entries = await Array.fromAsync(Deno.readDir(folder));
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) return;
      throw error;
    }
    for (const entry of entries) {
      if (entry.isDirectory) {
        await this.#readFolder(join(folder, entry.name), `${prefix}${entry.name}/`);
      } else if (entry.isFile && entry.name.endsWith(".json")) {
        try {
          const record = JSON.parse(fromUtf8(await Deno.readFile(join(folder, entry.name)))) as ProvenanceRecord;
          if (record.path !== `${prefix}${entry.name.slice(0, -".json".length)}`) continue;
          const bytes = await readIfFile(join(this.dir, "files", record.path));
          if (bytes) await this.#offer({ bytes, record });
        } catch (error) {
          if (!(error instanceof SyntaxError)) throw error;
        }
      }
    }
  }

  /** A reusable part at `path`, when there is an intact one; counted as reused. */
  take(path: string): Part | undefined {
    const part = this.#reusable.get(path);
    if (part) this.reused++;
    return part;
  }

  /** The paths of the reusable parts. */
  paths(): string[] {
    return [...this.#reusable.keys()];
  }

  /** Keeps a fetched file for a later run. */
  async save(bytes: Uint8Array, record: ProvenanceRecord): Promise<void> {
    await writeAtomically(join(this.dir, "files", record.path), bytes);
    await writeAtomically(join(this.dir, "records", `${record.path}.json`), utf8(JSON.stringify(record)));
  }

  /** Removes the folder (after the bundle is written). */
  async remove(): Promise<void> {
    try {
      await Deno.remove(this.dir, { recursive: true });
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
    }
  }
}
