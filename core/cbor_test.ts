import assert from "node:assert/strict";
import { CborReader, CborTag, decodeCbor } from "./cbor.ts";
import { AuditError } from "./errors.ts";
import { fromHex } from "./bytes.ts";

function rejects(hex: string, code: string, message: RegExp): void {
  assert.throws(() => decodeCbor(fromHex(hex)), (error: unknown) => {
    assert.ok(error instanceof AuditError);
    assert.equal(error.code, code);
    assert.match(error.message, message);
    return true;
  });
}

Deno.test("decodeCbor() reads integer and text map keys, tag 1 and big integers", () => {
  // {1: -7, "svn": 2, 6: 1(1750370739), 2: 2^64-1}
  const value = decodeCbor(fromHex("a401266373766e0206c11a685489b302 1bffffffffffffffff".replace(/ /g, "")));
  assert.ok(value instanceof Map);
  assert.equal(value.get(1), -7);
  assert.equal(value.get("svn"), 2);
  assert.deepEqual(value.get(6), new CborTag(1, 1750370739));
  assert.equal(value.get(2), 18446744073709551615n);
});

Deno.test("decodeCbor() rejects trailing bytes after the item", () => {
  rejects("0100", "CBOR_MALFORMED", /^Cannot decode CBOR: 1 trailing bytes after the item at byte 1$/);
});

Deno.test("decodeCbor() rejects truncated input", () => {
  rejects("5820aabb", "CBOR_MALFORMED", /unexpected end of input at byte 0/);
  rejects("82 01".replace(" ", ""), "CBOR_MALFORMED", /unexpected end of input/);
});

Deno.test("decodeCbor() rejects a byte string length of 2^32 without allocating it", () => {
  rejects("5b0000000100000000", "CBOR_MALFORMED", /unexpected end of input at byte 0/);
});

Deno.test("decodeCbor() rejects an array count larger than the remaining input", () => {
  rejects("9a80000000", "CBOR_MALFORMED", /unexpected end of input at byte 0/);
});

Deno.test("decodeCbor() bounds nesting depth", () => {
  rejects("81".repeat(1000) + "00", "CBOR_LIMIT_EXCEEDED", /nesting deeper than 16/);
  assert.deepEqual(decodeCbor(fromHex("8181818100")), [[[[0]]]]);
});

Deno.test("decodeCbor() rejects indefinite lengths, duplicate keys and non-text keys", () => {
  rejects("9f01ff", "CBOR_MALFORMED", /indefinite-length items are not accepted at byte 0/);
  rejects("a2010201 03".replace(" ", ""), "CBOR_MALFORMED", /duplicate map key 1 at byte 3/);
  rejects("a1410102", "CBOR_MALFORMED", /map keys must be integers or text strings at byte 1/);
});

Deno.test("decodeCbor() rejects invalid UTF-8 in text strings", () => {
  rejects("62c328", "CBOR_MALFORMED", /text string is not valid UTF-8 at byte 0/);
});

Deno.test("CborReader keeps the raw bytes of each item", () => {
  const reader = new CborReader(fromHex("8343a1012640f6"));
  assert.equal(reader.readHeader(4).argument, 3);
  assert.deepEqual(reader.readRaw(), fromHex("43a10126"));
  assert.deepEqual(reader.readRaw(), fromHex("40"));
  assert.deepEqual(reader.readRaw(), fromHex("f6"));
  assert.ok(reader.done);
});
