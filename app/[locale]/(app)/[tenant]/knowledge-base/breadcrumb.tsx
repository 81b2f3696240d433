import { useTranslations } from "next-intl";
import { Icon } from "@/app/_components/icons";
import { Link } from "@/lib/i18n/navigation";

/** Knowledge base › a knowledge base (› an article): the way back up; the last item is the page itself. */
export function KnowledgeBaseBreadcrumb({ tenant, trail }: { tenant: string; trail: { href?: string; label: string }[] }) {
  const t = useTranslations("knowledgeBase");
  const items = [{ href: `/${tenant}/knowledge-base`, label: t("title") }, ...trail];
  return (
    <nav aria-label={t("title")}>
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
