import type { ReactNode } from "react";
import { Badge } from "@/app/_components/badge";
import { buttonClasses } from "@/app/_components/button";
import { Card, CardHeader } from "@/app/_components/card";
import { Icon } from "@/app/_components/icons";
import { Link } from "@/lib/i18n/navigation";

/**
 * A card listing a division's teams or mailboxes: a title and count, a badge for someone who may only
 * look, column headings on wider screens, and the rows (`<li>`s, each around an `ItemRowLink`).
 */
export function ItemList({
  title,
  description,
  readOnly,
  columns,
  children,
}: {
  title: string;
  description: string;
  /** The read-only badge's text; none for someone who may edit. */
  readOnly?: string;
  /** Each heading with its `col-span-N` class, written out in full so that Tailwind finds it. */
  columns: { label: string; span: string }[];
  children: ReactNode;
}) {
  return (
    <Card>
      <CardHeader
        title={title}
        description={description}
        actions={readOnly && <Badge tone="neutral">{readOnly}</Badge>}
      />
      <div className="hidden grid-cols-12 gap-4 border-b border-zinc-100 bg-zinc-50/60 px-6 py-2 text-xs font-medium text-zinc-500 md:grid">
        {columns.map((column) => (
          <span key={column.label} className={column.span}>
            {column.label}
          </span>
        ))}
      </div>
      <ul className="divide-y divide-zinc-100">{children}</ul>
    </Card>
  );
}

/** A row that opens the item's page; its children are the cells of a 12-column grid. */
export function ItemRowLink({ href, children }: { href: string; children: ReactNode }) {
  return (
    <Link
      href={href}
      className="group grid gap-x-4 gap-y-2 px-5 py-4 hover:bg-zinc-50 sm:px-6 md:grid-cols-12 md:items-center"
    >
      {children}
    </Link>
  );
}

/** The button to the page that adds a team or a mailbox. */
export function AddItemLink({ href, children }: { href: string; children: ReactNode }) {
  return (
    <Link href={href} className={buttonClasses("primary")}>
      <Icon name="plus" className="size-4" />
      {children}
    </Link>
  );
}
