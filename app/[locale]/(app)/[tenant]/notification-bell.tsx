import { useTranslations } from "next-intl";
import { Icon } from "@/app/_components/icons";
import { Link } from "@/lib/i18n/navigation";

/** The bell in the app shell: the unread count, and the way to the notifications page. */
export function NotificationBell({ tenant, unread }: { tenant: string; unread: number }) {
  const t = useTranslations("shell");
  const label = t("notifications", { count: unread });
  return (
    <Link
      href={`/${tenant}/notifications`}
      aria-label={label}
      title={label}
      data-testid="notification-bell"
      className="relative grid size-9 place-items-center rounded-lg text-zinc-500 hover:bg-zinc-100 hover:text-zinc-900"
    >
      <Icon name="bell" className="size-5" />
      {unread > 0 && (
        <span
          aria-hidden="true"
          className="absolute -top-0.5 -right-0.5 grid h-4.5 min-w-4.5 place-items-center rounded-full bg-red-600 px-1 text-[10px] leading-none font-semibold text-white ring-2 ring-white"
        >
          {unread > 99 ? "99+" : unread}
        </span>
      )}
    </Link>
  );
}
