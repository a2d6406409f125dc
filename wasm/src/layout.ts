// The fixed memory map of the module. Nothing is allocated: every buffer has a constant address, and the
// host reads the public ones through the exported functions in index.ts. wasm/README.md draws the map.

/** Bytes per WebAssembly page. */
const PAGE: usize = 0x10000;

/** Running digest of a scalar fold (8 native-order words). */
export const ACC_A: usize = 0x0400;
/** Second running digest, used by consistency proofs (8 words). */
export const ACC_B: usize = 0x0420;
/** The two children of a node, left then right (16 native-order words). */
export const PAIR: usize = 0x0440;
/** One message block of a 65-byte RFC 9162 node (16 words). */
export const BLOCK: usize = 0x0480;
/** State of the streaming hash (8 words). */
export const STREAM_STATE: usize = 0x04c0;
/** Bytes of the streaming hash not yet compressed (64 bytes). */
export const STREAM_BUFFER: usize = 0x04e0;
/** 32 zero bytes: the sibling that idle batch lanes read. */
export const ZERO: usize = 0x0520;
/** Per-lane bookkeeping of a batch: 4 lanes of 32 bytes. */
export const LANES: usize = 0x0600;
/** Lane-transposed running digests of a batch (8 v128: word k of lane j at 16k + 4j). */
export const STATE4: usize = 0x0800;
/** Lane-transposed siblings of a batch step (8 v128). */
export const SIB4: usize = 0x0880;
/** Lane-transposed children of a batch step (16 v128). */
export const PAIR4: usize = 0x0900;
/** Lane-transposed message block of a batch step (16 v128). */
export const BLOCK4: usize = 0x0a00;

/** Result of a single call: one digest, or the two roots of a consistency proof (64 bytes). */
export const OUTPUT: usize = 0x1000;
/** Roots produced by a batch call, 32 bytes each, in record order. */
export const RESULTS: usize = PAGE;
/** Capacity of RESULTS in bytes (2048 roots). */
export const RESULTS_CAPACITY: usize = PAGE;
/** Where the host writes the input of every call. */
export const INPUT: usize = 2 * PAGE;
/** Capacity of INPUT in bytes (1 MiB). */
export const INPUT_CAPACITY: usize = 16 * PAGE;
