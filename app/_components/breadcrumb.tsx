import { Icon } from "@/app/_components/icons";
import { Link } from "@/lib/i18n/navigation";

export interface BreadcrumbItem {
  href?: string;
  label: string;
}

/** The way back up from a page: links to each level above it; the last item is the page itself. */
export function Breadcrumb({ label, items }: { label: string; items: BreadcrumbItem[] }) {
  return (
    <nav aria-label={label}>
      <ol className="flex flex-wrap items-center gap-1.5 text-zinc-500">
        {items.map((item, index) => (
          <li key={`${index}-${item.label}`} className="flex min-w-0 items-center gap-1.5">
            {index > 0 && <Icon name="chevronRight" className="size-3.5 shrink-0 text-zinc-400" />}
            {item.href && index < items.length - 1 ? (
              <Link href={item.href} className="truncate hover:text-zinc-800">
                {item.label}
              </Link>
            ) : (
              <span aria-current="page" className="truncate font-medium text-zinc-700">
                {item.label}
              </span>
            )}
          </li>
        ))}
      </ol>
    </nav>
  );
}
