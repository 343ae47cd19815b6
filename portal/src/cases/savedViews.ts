// The case workbench's saved views: named filter sets kept in localStorage under the signed-in subject, so another
// person signed in on the same computer never sees them.
//
// Unlike the field pages' kept lists and the tab's form drafts, saved views are not dropped at sign-out: a view is
// only a name and the filter values of the case list's URL (no case, household or person from the API), and the
// user expects to find it again at the next sign-in.
import { filtersFrom, filtersTo, type CaseFilters } from "./filters";

export interface SavedView {
  name: string;
  /** The case list's search parameters (as filtersTo writes them), applied by putting them into the URL. */
  query: string;
}

/** Why a name cannot be used: empty, longer than NAME_MAX characters, or already used by another of the user's
 * views; ``unavailable`` when the browser refuses to store it (storage full or disabled). */
export type ViewProblem = "required" | "tooLong" | "taken" | "unavailable";

export interface SaveResult {
  /** The subject's views after saving (unchanged when refused). */
  views: SavedView[];
  problem: ViewProblem | null;
}

export const NAME_MAX = 40;

const PREFIX = "gridgov.cases.views.";

/** The storage key of one subject's views. */
export function viewsKey(subject: string): string {
  return PREFIX + subject;
}

/** One subject's views in the order saved; a stored value that is not a list of views (edited by hand, written by
 * an older portal, cut short) counts as none, and an entry that is not a view is skipped. */
export function loadViews(subject: string, storage: Storage = localStorage): SavedView[] {
  let stored: unknown;
  try {
    stored = JSON.parse(storage.getItem(viewsKey(subject)) ?? "[]");
  } catch {
    return [];
  }
  if (!Array.isArray(stored)) return [];
  return stored.filter((entry): entry is SavedView => typeof entry === "object" && entry !== null
    && typeof (entry as SavedView).name === "string" && typeof (entry as SavedView).query === "string")
    .map((entry) => ({ name: entry.name, query: entry.query }));
}

function sameName(a: string, b: string): boolean {
  return a.trim().toLocaleLowerCase() === b.trim().toLocaleLowerCase();
}

/** What is wrong with ``name`` for a new view among ``views``, or null when it can be used. */
export function nameProblem(views: readonly SavedView[], name: string): ViewProblem | null {
  const trimmed = name.trim();
  if (!trimmed) return "required";
  if ([...trimmed].length > NAME_MAX) return "tooLong";
  if (views.some((view) => sameName(view.name, trimmed))) return "taken";
  return null;
}

function store(subject: string, views: SavedView[], storage: Storage): boolean {
  try {
    storage.setItem(viewsKey(subject), JSON.stringify(views));
    return true;
  } catch {
    return false;
  }
}

/** Saves ``filters`` as a new view named ``name`` (trimmed) for ``subject``; a refused name changes nothing. */
export function saveView(subject: string, name: string, filters: CaseFilters,
  storage: Storage = localStorage): SaveResult {
  const views = loadViews(subject, storage);
  const problem = nameProblem(views, name);
  if (problem !== null) return { views, problem };
  const next = [...views, { name: name.trim(), query: filtersTo(filters).toString() }];
  if (!store(subject, next, storage)) return { views, problem: "unavailable" };
  return { views: next, problem: null };
}

/** Deletes ``subject``'s view named ``name``; the views left. */
export function deleteView(subject: string, name: string, storage: Storage = localStorage): SavedView[] {
  const views = loadViews(subject, storage);
  const next = views.filter((view) => view.name !== name);
  if (next.length === views.length || !store(subject, next, storage)) return views;
  return next;
}

/** The search parameters a view puts into the URL: only the filters the case list knows, blanks left out. */
export function viewParams(view: SavedView): URLSearchParams {
  return filtersTo(filtersFrom(new URLSearchParams(view.query)));
}
