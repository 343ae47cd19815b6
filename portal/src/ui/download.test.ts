import { describe, expect, it } from "vitest";
import { base64Bytes } from "./download";

describe("base64Bytes", () => {
  it("gives back the bytes, UTF-8 and the byte-order mark included", () => {
    const text = "\uFEFF编号,场所\r\n";
    const encoded = btoa(String.fromCharCode(...new TextEncoder().encode(text)));
    expect(new TextDecoder("utf-8", { ignoreBOM: true }).decode(base64Bytes(encoded))).toBe(text);
    expect(base64Bytes("")).toEqual(new Uint8Array());
  });
});
