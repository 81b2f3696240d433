import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { Icon, type IconName } from "@/app/_components/icons";
import { PageHeader } from "@/app/_components/page-header";
import { setPageLocale } from "@/app/_i18n/page-locale";
import { seeRequestOrigin } from "@/app/_public-address/see-request-origin";
import { publicAddress, publicAddressWarnings } from "@/lib/app-url";
import { tenantRequest } from "@/lib/auth/request";
import { canManageMailSettings } from "@/lib/auth/roles";
import { countMailboxes } from "@/lib/mailboxes/counts";
import { listDivisions } from "@/lib/divisions/divisions";
import { Link } from "@/lib/i18n/navigation";
import { listMembers } from "@/lib/members/members";
import { scopeOf } from "@/lib/auth/context";
import { configuredProviders } from "@/lib/oauth/providers";
import { PublicAddressCard } from "./public-address";

interface Props {
  params: Promise<{ locale: string; tenant: string }>;
}

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const locale = setPageLocale((await params).locale);
  const t = await getTranslations({ locale, namespace: "settings" });
  return { title: t("title") };
}

export default async function SettingsPage({ params }: Props) {
  const { locale, tenant } = await params;
  setPageLocale(locale);
  const { ctx, run } = await tenantRequest(tenant);
  const [members, divisions, mailboxCount] = await run((tx) =>
    Promise.all([listMembers(tx, scopeOf(ctx)), listDivisions(tx, scopeOf(ctx)), countMailboxes(tx, scopeOf(ctx))]),
  );
  const t = await getTranslations("settings");
  // Seen here too, not only by the layout that renders beside this page: what it shows must be current.
  const requestOrigin = await seeRequestOrigin();
  const address = publicAddress();
  const required = configuredProviders(process.env).find((provider) => provider.id === ctx.tenant.requiredSignIn);

  const sections: { href: string; icon: IconName; title: string; description: string; count: string }[] = [
    {
      href: `/${ctx.tenant.slug}/settings/members`,
      icon: "users",
      title: t("members.title"),
      description: t("members.description"),
      count: t("members.count", { count: members.length }),
    },
    {
      href: `/${ctx.tenant.slug}/settings/divisions`,
      icon: "divisions",
      title: t("divisions.title"),
      description: t("divisions.description"),
      count: t("divisions.count", { count: divisions.length }),
    },
    // Every mailbox's server and errors: administrators only, like the mailbox pages' settings.
    ...(canManageMailSettings(ctx.role)
      ? [
          {
            href: `/${ctx.tenant.slug}/settings/accounts`,
            icon: "envelope" as const,
            title: t("accounts.title"),
            description: t("accounts.description"),
            count: t("accounts.count", { count: mailboxCount }),
          },
        ]
      : []),
    {
      href: `/${ctx.tenant.slug}/settings/sign-in`,
      icon: "lock",
      title: t("signIn.title"),
      description: t("signIn.description"),
      count: required ? t("signIn.only", { provider: required.name }) : t("signIn.any"),
    },
  ];

  return (
    <>
      <PageHeader title={t("title")} description={t("description", { company: ctx.tenant.name })} />
      <div className="grid gap-4 sm:grid-cols-2">
        {sections.map((section) => (
          <Link
            key={section.href}
            href={section.href}
            className="group relative flex flex-col rounded-xl border border-zinc-200 bg-white p-5 shadow-xs transition hover:border-brand-300 hover:shadow-md focus-visible:outline-2 focus-visible:outline-brand-600"
          >
            <div className="flex items-start justify-between">
              <span className="grid size-10 place-items-center rounded-lg bg-brand-50 text-brand-600">
                <Icon name={section.icon} className="size-5" />
              </span>
              <Icon
                name="chevronRight"
                className="size-5 text-zinc-300 transition group-hover:translate-x-0.5 group-hover:text-brand-500"
              />
            </div>
            <h2 className="mt-4 text-base font-semibold text-zinc-900">{section.title}</h2>
            <p className="mt-1 flex-1 text-sm leading-6 text-zinc-500">{section.description}</p>
            <p className="mt-4 text-xs font-medium text-zinc-500">{section.count}</p>
          </Link>
        ))}
      </div>
      {canManageMailSettings(ctx.role) && (
        <PublicAddressCard
          address={address}
          warnings={publicAddressWarnings(address.origin, requestOrigin)}
          requestOrigin={requestOrigin}
        />
      )}
    </>
  );
}
