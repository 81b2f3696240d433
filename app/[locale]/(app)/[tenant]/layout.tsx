import type { ReactNode } from "react";
import { getTranslations } from "next-intl/server";
import { Avatar } from "@/app/_components/avatar";
import { LanguageSwitcher } from "@/app/_components/language-switcher";
import { Logo } from "@/app/_components/logo";
import { SignOutButton } from "@/app/_components/sign-out-button";
import { setPageLocale } from "@/app/_i18n/page-locale";
import { seeRequestOrigin } from "@/app/_public-address/see-request-origin";
import { tenantRequest } from "@/lib/auth/request";
import { Link } from "@/lib/i18n/navigation";
import { countUnreadNotifications } from "@/lib/notifications/in-app";
import { scopeOf } from "@/lib/auth/context";
import { rememberLocale } from "../actions";
import { AppNav } from "./app-nav";
import { NotificationBell } from "./notification-bell";

/** The app shell: navigation, the company, notifications, the signed-in user, language and sign-out. */
export default async function TenantLayout({
  children,
  params,
}: {
  children: ReactNode;
  params: Promise<{ locale: string; tenant: string }>;
}) {
  const { locale, tenant } = await params;
  setPageLocale(locale);
  const { ctx, run } = await tenantRequest(tenant);
  await seeRequestOrigin();
  const unread = await run((tx) => countUnreadNotifications(tx, scopeOf(ctx)));
  const t = await getTranslations("shell");
  const tRoles = await getTranslations("roles");

  const user = (
    <Link
      href={`/${ctx.tenant.slug}/profile`}
      title={t("profile")}
      className="-m-1.5 flex min-w-0 items-center gap-3 rounded-lg p-1.5 hover:bg-zinc-100"
    >
      <Avatar name={ctx.user.name} />
      <div className="min-w-0">
        <p className="truncate text-sm font-medium text-zinc-900" data-testid="user-name">
          {ctx.user.name}
        </p>
        <p className="truncate text-xs text-zinc-500">{ctx.user.email}</p>
      </div>
    </Link>
  );

  return (
    <div className="min-h-screen lg:flex">
      <aside className="hidden w-64 shrink-0 border-r border-zinc-200 bg-white lg:block print:hidden">
        <div className="sticky top-0 flex h-screen flex-col">
          <div className="flex items-center justify-between gap-2 px-5 pt-5 pb-4">
            <Link href={`/${ctx.tenant.slug}/tickets`} aria-label={t("home")}>
              <Logo />
            </Link>
            <NotificationBell tenant={ctx.tenant.slug} unread={unread} />
          </div>
          <div className="mx-3 rounded-lg bg-zinc-50 px-3 py-2.5 ring-1 ring-zinc-200/70 ring-inset">
            <p className="text-[11px] font-medium tracking-wide text-zinc-500 uppercase">{t("workspace")}</p>
            <p className="truncate text-sm font-semibold text-zinc-900" data-testid="tenant-name">
              {ctx.tenant.name}
            </p>
            <p className="text-xs text-zinc-500">{tRoles(ctx.role)}</p>
          </div>
          <nav aria-label={t("navigation")} className="mt-5 flex-1 px-3">
            <AppNav tenant={ctx.tenant.slug} role={ctx.role} />
          </nav>
          <div className="space-y-3 border-t border-zinc-200 p-4">
            {user}
            <div className="flex items-center justify-between gap-2">
              <LanguageSwitcher remember={rememberLocale} />
              <SignOutButton />
            </div>
          </div>
        </div>
      </aside>

      <div className="min-w-0 flex-1">
        <header className="sticky top-0 z-20 border-b border-zinc-200 bg-white/90 backdrop-blur lg:hidden print:hidden">
          <div className="flex items-center justify-between gap-3 px-4 py-3">
            <Link href={`/${ctx.tenant.slug}/tickets`} aria-label={t("home")}>
              <Logo />
            </Link>
            <div className="flex items-center gap-1">
              <Link href={`/${ctx.tenant.slug}/profile`} aria-label={t("profile")} className="rounded-full p-1 hover:bg-zinc-100">
                <Avatar name={ctx.user.name} />
              </Link>
              <NotificationBell tenant={ctx.tenant.slug} unread={unread} />
              <LanguageSwitcher remember={rememberLocale} />
              <SignOutButton compact />
            </div>
          </div>
          <nav aria-label={t("navigation")} className="overflow-x-auto px-2 pb-2">
            <AppNav tenant={ctx.tenant.slug} role={ctx.role} horizontal />
          </nav>
        </header>
        <main className="mx-auto max-w-5xl px-4 py-8 sm:px-6 lg:px-10 lg:py-10">{children}</main>
      </div>
    </div>
  );
}
