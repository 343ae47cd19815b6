// A department's pages as a row of links under its heading (the menu names the department once).
import { NavLink } from "react-router-dom";

export interface Section {
  path: string;
  label: string;
}

export function SectionNav({ label, sections }: { label: string; sections: readonly Section[] }) {
  return (
    <nav className="section-nav" aria-label={label}>
      <ul>
        {sections.map((section) => (
          <li key={section.path}><NavLink to={section.path} end>{section.label}</NavLink></li>
        ))}
      </ul>
    </nav>
  );
}
