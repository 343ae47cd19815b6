import { describe, expect, it } from "vitest";
import { en } from "./en";
import { formatDateTime, formatHeaderDate, formatRate } from "./format";
import { isMessageKey, translate } from "./i18n";
import { zhCN } from "./zh-CN";

describe("catalogues", () => {
  it("hold the same keys, every message non-empty", () => {
    expect(Object.keys(en).sort()).toEqual(Object.keys(zhCN).sort());
    for (const catalogue of [zhCN, en]) {
      for (const [key, message] of Object.entries(catalogue)) expect(message, key).not.toBe("");
    }
  });

  it("use the same parameters in both languages", () => {
    const names = (message: string) => [...message.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    for (const key of Object.keys(zhCN) as (keyof typeof zhCN)[]) expect(names(en[key]), key).toEqual(names(zhCN[key]));
  });

  it("fill parameters and leave unknown ones visible", () => {
    expect(translate("zh-CN", "cases.page", { page: 3 })).toBe("第 3 页");
    expect(translate("en", "cases.page")).toBe("Page {page}");
    expect(isMessageKey("caseState.CLOSED")).toBe(true);
    expect(isMessageKey("caseState.NOPE")).toBe(false);
  });
});

describe("formatting in Beijing time", () => {
  it("shows an instant as Beijing wall-clock time", () => {
    expect(formatDateTime("2026-12-02T16:30:00Z", "zh-CN")).toBe("2026-12-03 00:30");
    expect(formatDateTime("2026-12-02T16:30:00Z", "en")).toBe("2026-12-03 00:30 (UTC+8)");
    expect(formatDateTime(null, "zh-CN")).toBe("");
  });

  it("dates the header by the Beijing day", () => {
    expect(formatHeaderDate(new Date("2026-12-02T17:00:00Z"), "zh-CN")).toBe("2026年12月03日 星期四");
    expect(formatHeaderDate(new Date("2026-12-02T17:00:00Z"), "en")).toBe("Thursday, 3 December 2026");
  });

  it("shows rates as percentages", () => {
    expect(formatRate(0.8765, "zh-CN")).toBe("87.7%");
  });
});
