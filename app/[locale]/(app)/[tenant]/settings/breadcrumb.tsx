import { useTranslations } from "next-intl";
import { Icon } from "@/app/_components/icons";
import { Link } from "@/lib/i18n/navigation";

/** Settings › Section (› Item): the way back up from a settings page; the last item is the page itself. */
export function SettingsBreadcrumb({ tenant, trail }: { tenant: string; trail: { href?: string; label: string }[] }) {
  const t = useTranslations("settings");
  const items = [{ href: `/${tenant}/settings`, label: t("title") }, ...trail];
  return (
    <nav aria-label={t("breadcrumb")}>
      <ol className="flex flex-wrap items-center gap-1.5 text-zinc-500">
        {items.map((item, index) => (
          <li key={item.label} className="flex items-center gap-1.5">
            {index > 0 && <Icon name="chevronRight" className="size-3.5 text-zinc-400" />}
            {item.href && index < items.length - 1 ? (
              <Link href={item.href} className="hover:text-zinc-800">
                {item.label}
              </Link>
            ) : (
              <span aria-current="page" className="font-medium text-zinc-700">
                {item.label}
              </span>
            )}
          </li>
        ))}
      </ol>
    </nav>
  );
}
