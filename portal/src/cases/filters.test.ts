import { describe, expect, it } from "vitest";
import { caseVariables, filtersFrom, filtersTo } from "./filters";

describe("case filters", () => {
  it("round-trip through the URL, leaving blanks out", () => {
    const filters = filtersFrom(new URLSearchParams("state=DISPATCHED&text=%E5%9E%83%E5%9C%BE&tier="));
    expect(filters.state).toBe("DISPATCHED");
    expect(filters.text).toBe("垃圾");
    expect(filtersTo(filters).toString()).toBe("state=DISPATCHED&text=%E5%9E%83%E5%9C%BE");
  });

  it("send only values the API knows", () => {
    const filters = filtersFrom(new URLSearchParams("state=BOGUS&dueStatus=OVERDUE&source=HOTLINE&jurisdictionPrefix= 110108 "));
    expect(caseVariables(filters, 20, "c1")).toEqual({
      states: null, dueStatus: "OVERDUE", tier: null, source: "HOTLINE", categoryCode: "", text: "",
      jurisdictionPrefix: "110108", handlingUnit: "", first: 20, after: "c1",
    });
  });
});
