import { describe, expect, it } from "vitest";
import { ApiError } from "../api/errors";
import { isMasked, refusalReason } from "./refusal";

describe("refusalReason", () => {
  it("gives the policy's reasons for a refusal", () => {
    const error = new ApiError("graphql", "not allowed: outside", [{
      message: "not allowed: this household lies in 110108002001001, outside your jurisdiction (110108001001)",
      extensions: { code: "PERMISSION_DENIED", reasons: ["this household lies in 110108002001001, outside your jurisdiction (110108001001)"] },
    }]);
    expect(refusalReason(error)).toBe("this household lies in 110108002001001, outside your jurisdiction (110108001001)");
  });

  it("falls back to the message without its prefix", () => {
    const error = new ApiError("graphql", "x", [{ message: "not allowed: no", extensions: { code: "PERMISSION_DENIED" } }]);
    expect(refusalReason(error)).toBe("no");
  });

  it("is null for anything that is not a refusal", () => {
    expect(refusalReason(new ApiError("network", "down"))).toBeNull();
    expect(refusalReason(new ApiError("graphql", "x", [{ message: "x", extensions: { code: "NOT_FOUND" } }]))).toBeNull();
    expect(refusalReason(new Error("boom"))).toBeNull();
  });
});

describe("isMasked", () => {
  it("sees the stars the API masks with", () => {
    expect(isMasked("990108********7458")).toBe(true);
    expect(isMasked("990108199504297458")).toBe(false);
    expect(isMasked("")).toBe(false);
  });
});
