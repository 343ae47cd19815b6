import { describe, expect, it } from "vitest";
import { homePath, menuFor, safeNext } from "./menu";

describe("menuFor", () => {
  it.each([
    ["district_admin", ["/dashboard", "/cases", "/map", "/big-screen", "/evaluation", "/fire", "/environment", "/registry"]],
    ["street_staff", ["/dashboard", "/cases", "/map", "/big-screen", "/evaluation", "/fire", "/environment", "/registry"]],
    ["community_staff", ["/dashboard", "/cases", "/map", "/big-screen", "/evaluation", "/fire", "/environment", "/registry"]],
    ["handling_unit", ["/unit", "/cases"]],
    ["grid_worker", ["/field/today", "/field", "/cases", "/registry"]],
    ["auditor", ["/audit"]],
    ["fire_inspector", ["/fire"]],
    ["fire_department", ["/fire"]],
    ["environment_bureau", ["/environment"]],
    ["grid_leader", ["/environment", "/field/patrol"]],
    ["resident", ["/cases"]],
  ])("gives %s its pages, home first", (role, paths) => {
    expect(menuFor(role).map((item) => item.path)).toEqual(paths);
    expect(homePath(role)).toBe(paths[0]);
  });

  it("offers the map and the big screen to the command centres only", () => {
    for (const role of ["grid_worker", "handling_unit", "auditor", "fire_inspector", "resident"]) {
      expect(menuFor(role).some((item) => item.path === "/map" || item.path === "/big-screen")).toBe(false);
    }
  });
});

describe("safeNext", () => {
  it("returns only to a page of this origin", () => {
    expect(safeNext("/cases/1?x=2")).toBe("/cases/1?x=2");
    expect(safeNext("//evil.example/x")).toBeNull();
    expect(safeNext("https://evil.example/")).toBeNull();
    expect(safeNext("/sign-in?next=/x")).toBeNull();
    expect(safeNext(null)).toBeNull();
  });
});
