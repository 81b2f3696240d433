import { Link } from "@/lib/i18n/navigation";

/**
 * Chips that narrow a tenant-wide page (waiting list, trash) to one division: `path?division=<id>`,
 * "all" first. Shown only when there is more than one division to choose from.
 */
export function DivisionFilter({
  label,
  allLabel,
  path,
  divisions,
  current,
}: {
  label: string;
  allLabel: string;
  /** The page's path without the locale, e.g. `/acme/trash`. */
  path: string;
  divisions: { id: string; name: string }[];
  current: string | undefined;
}) {
  if (divisions.length < 2) return null;
  return (
    <nav aria-label={label} className="mb-6">
      <ul className="flex flex-wrap gap-2">
        {[{ id: undefined, name: allLabel }, ...divisions].map((division) => {
          const selected = division.id === current;
          return (
            <li key={division.id ?? "all"}>
              <Link
                href={division.id ? `${path}?division=${division.id}` : path}
                aria-current={selected ? "page" : undefined}
                className={`inline-flex rounded-full px-3 py-1.5 text-sm font-medium ring-1 ring-inset transition-colors ${
                  selected ? "bg-brand-600 text-white ring-brand-600" : "bg-white text-zinc-700 ring-zinc-200 hover:bg-zinc-50"
                }`}
              >
                {division.name}
              </Link>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}

/** The division a `?division=` asks for, when it is one of these; else none (all are shown). */
export function requestedDivision(divisions: { id: string }[], requested: string | string[] | undefined): string | undefined {
  return divisions.find((division) => division.id === requested)?.id;
}
