import { describe, expect, it } from "vitest";
import { translate } from "../i18n/i18n";
import { ApiError, errorMessage, fieldErrors, mayRetry } from "./errors";

describe("fieldErrors", () => {
  it("puts each violation beside the form field it names", () => {
    const error = new ApiError("graphql", "bad", [{
      message: "input.comment: too long; reason: required",
      extensions: { code: "INVALID_ARGUMENT", field: "input.comment", fieldViolations: [
        { field: "input.comment", description: "at most 2,000 characters" },
        { field: "reason", description: "required" },
        { field: "input.items[2].hazardTypeCode", description: "unknown" },
      ] },
    }]);
    expect(fieldErrors(error, ["comment", "reason"])).toEqual({ comment: "at most 2,000 characters", reason: "required" });
  });

  it("falls back to extensions.field with the message", () => {
    const error = new ApiError("graphql", "x", [{ message: "no such unit", extensions: { field: "input.unit" } }]);
    expect(fieldErrors(error, ["unit"])).toEqual({ unit: "no such unit" });
  });
});

describe("errorMessage", () => {
  const t = (key: Parameters<typeof translate>[1], params?: Record<string, string | number>) =>
    translate("zh-CN", key, params);
  it("says what the code means in the user's language and keeps the API's words", () => {
    const denied = new ApiError("graphql", "x", [{ message: "policy: not in scope", extensions: { code: "FORBIDDEN" } }]);
    expect(errorMessage(denied, t)).toBe("您没有权限进行此操作。（policy: not in scope）");
    const refused = new ApiError("graphql", "x", [{ message: "not allowed: outside your jurisdiction",
      extensions: { code: "PERMISSION_DENIED" } }]);
    expect(errorMessage(refused, t)).toBe("您无权查看或办理这条记录。（not allowed: outside your jurisdiction）");
    expect(errorMessage(new ApiError("network", "x"), t)).toBe("无法连接服务器，请检查网络后重试。");
  });
});

describe("mayRetry", () => {
  it.each([
    ["no answer at all", new ApiError("network", "offline"), true],
    ["an expired session", new ApiError("unauthenticated", "expired", [], 401), true],
    ["a service down", new ApiError("graphql", "x", [{ message: "down", extensions: { code: "SERVICE_UNAVAILABLE" } }], 200), true],
    ["a server failure", new ApiError("http", "x", [], 502), true],
    ["a refusal", new ApiError("graphql", "x", [{ message: "no", extensions: { code: "FORBIDDEN" } }], 200), false],
    ["an invalid request", new ApiError("graphql", "x", [{ message: "bad", extensions: { code: "INVALID_ARGUMENT" } }], 200), false],
    ["something else thrown", new Error("boom"), true],
  ])("%s", (_name, error, expected) => {
    expect(mayRetry(error)).toBe(expected);
  });
});
