// A message above or inside a page: information, a warning, or an error (announced to screen readers).
import type { ReactNode } from "react";

export function Notice({ kind, children }: { kind: "info" | "warning" | "error" | "success"; children: ReactNode }) {
  return (
    <div className={`notice notice-${kind}`} role={kind === "error" ? "alert" : "status"}>
      {children}
    </div>
  );
}
