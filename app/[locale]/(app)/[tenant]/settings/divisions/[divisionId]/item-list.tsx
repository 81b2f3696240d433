import { useTranslations } from "next-intl";
import type { ReactNode } from "react";
import { Badge } from "@/app/_components/badge";
import { buttonClasses } from "@/app/_components/button";
import { Card, CardHeader } from "@/app/_components/card";
import { EmptyState } from "@/app/_components/empty-state";
import { Icon, type IconName } from "@/app/_components/icons";
import { PageHeader } from "@/app/_components/page-header";
import { Link } from "@/lib/i18n/navigation";
import { DivisionSectionBreadcrumb } from "./division-section-breadcrumb";

/**
 * A division's teams or mailboxes page: its header, then an empty state to start from or the list.
 * Only an admin (`canAdd`) sees the button to add one; anyone else sees a read-only badge. Texts
 * come from the section's messages; `children` are the rows (`<li>`s, each around an `ItemRowLink`).
 */
export function ItemListPage({
  tenant,
  division,
  section,
  icon,
  count,
  canAdd,
  columns,
  children,
}: {
  tenant: string;
  division: { id: string; name: string };
  section: "mailboxes" | "teams";
  icon: IconName;
  count: number;
  canAdd: boolean;
  /** Each heading with its `col-span-N` class, written out in full so that Tailwind finds it. */
  columns: { label: string; span: string }[];
  children: ReactNode;
}) {
  const t = useTranslations(section);
  const addButton = canAdd && (
    <AddItemLink href={`/${tenant}/settings/divisions/${division.id}/${section}/new`}>{t("add")}</AddItemLink>
  );
  return (
    <>
      <PageHeader
        eyebrow={<DivisionSectionBreadcrumb tenant={tenant} division={division} section={section} />}
        title={t("title")}
        description={t("description", { division: division.name })}
        actions={count > 0 && addButton}
      />

      {count === 0 ? (
        <EmptyState icon={icon} title={t("emptyTitle")} description={canAdd ? t("emptyDescription") : t("onlyAdmins")}>
          {addButton}
        </EmptyState>
      ) : (
        <Card>
          <CardHeader
            title={t("listTitle")}
            description={t("count", { count })}
            actions={!canAdd && <Badge tone="neutral">{t("readOnly")}</Badge>}
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
      )}
    </>
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
function AddItemLink({ href, children }: { href: string; children: ReactNode }) {
  return (
    <Link href={href} className={buttonClasses("primary")}>
      <Icon name="plus" className="size-4" />
      {children}
    </Link>
  );
}
