"use client";

import { useTranslations } from "next-intl";
import { Icon, type IconName } from "@/app/_components/icons";
import type { Role } from "@/db/schema";
import { canReadReports } from "@/lib/auth/roles";
import { Link, usePathname } from "@/lib/i18n/navigation";

const items: {
  segment: string;
  key: "queue" | "customers" | "waitingList" | "reports" | "trash" | "knowledgeBase" | "settings";
  icon: IconName;
  /** Shown only to members with this right (the page itself refuses the others). */
  right?: (role: Role) => boolean;
}[] = [
  { segment: "tickets", key: "queue", icon: "inbox" },
  { segment: "contacts", key: "customers", icon: "users" },
  { segment: "waiting-list", key: "waitingList", icon: "clock" },
  { segment: "reports", key: "reports", icon: "chartBar", right: canReadReports },
  { segment: "trash", key: "trash", icon: "trash" },
  { segment: "knowledge-base", key: "knowledgeBase", icon: "book" },
  { segment: "settings", key: "settings", icon: "settings" },
];

export function AppNav({ tenant, role, horizontal = false }: { tenant: string; role: Role; horizontal?: boolean }) {
  const t = useTranslations("nav");
  const pathname = usePathname();
  return (
    <ul className={horizontal ? "flex gap-1" : "space-y-1"}>
      {items.filter((item) => !item.right || item.right(role)).map((item) => {
        const href = `/${tenant}/${item.segment}`;
        const active = pathname === href || pathname.startsWith(`${href}/`);
        return (
          <li key={item.segment}>
            <Link
              href={href}
              aria-current={active ? "page" : undefined}
              className={`group flex items-center gap-3 rounded-lg px-3 py-2 text-sm font-medium whitespace-nowrap transition-colors ${
                active ? "bg-brand-50 text-brand-700" : "text-zinc-600 hover:bg-zinc-100 hover:text-zinc-900"
              }`}
            >
              <Icon
                name={item.icon}
                className={`size-5 shrink-0 ${active ? "text-brand-600" : "text-zinc-400 group-hover:text-zinc-600"}`}
              />
              {t(item.key)}
            </Link>
          </li>
        );
      })}
    </ul>
  );
}
