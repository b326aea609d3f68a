import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { DecompressedTooLargeError, gunzipCapped, isGzipEncoding, otlpEncodingOf } from "./body";
import { OtlpDecodeError } from "./decode";

const MiB = 1024 * 1024;

describe("OTLP body", () => {
  it("names the encoding of the OTLP media types only", () => {
    expect(otlpEncodingOf("application/x-protobuf")).toBe("protobuf");
    expect(otlpEncodingOf("application/json")).toBe("json");
    expect(otlpEncodingOf("text/plain")).toBeNull();
    expect(otlpEncodingOf(undefined)).toBeNull();
  });

  it("accepts gzip and identity content encodings only", () => {
    expect(isGzipEncoding(null)).toBe(false);
    expect(isGzipEncoding("identity")).toBe(false);
    expect(isGzipEncoding("GZIP")).toBe(true);
    expect(isGzipEncoding("br")).toBeNull();
    expect(isGzipEncoding("gzip, gzip")).toBeNull();
  });

  it("gunzips up to the limit, exactly at it included", async () => {
    const body = Buffer.alloc(5 * MiB, 7);
    expect((await gunzipCapped(gzipSync(body), 5 * MiB)).equals(body)).toBe(true);
  });

  it("stops a gzip bomb at the limit quickly, without inflating it", async () => {
    // 64 gzip members of 16 MiB of zeros each: 1 GiB once inflated, about 1 MiB sent.
    const bomb = Buffer.concat(Array(64).fill(gzipSync(Buffer.alloc(16 * MiB), { level: 9 })));
    expect(bomb.length).toBeLessThan(2 * MiB);
    const started = Date.now();
    await expect(gunzipCapped(bomb, 5 * MiB)).rejects.toBeInstanceOf(DecompressedTooLargeError);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it("reports a body that is not gzip as undecodable", async () => {
    await expect(gunzipCapped(Buffer.from("plain"), 5 * MiB)).rejects.toBeInstanceOf(OtlpDecodeError);
  });
});
