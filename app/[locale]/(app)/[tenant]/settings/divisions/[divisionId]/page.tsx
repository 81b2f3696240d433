import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { notFound } from "next/navigation";
import { z } from "zod";
import { Badge } from "@/app/_components/badge";
import { buttonClasses } from "@/app/_components/button";
import { Icon } from "@/app/_components/icons";
import { PageHeader } from "@/app/_components/page-header";
import { setPageLocale } from "@/app/_i18n/page-locale";
import { tenantRequest } from "@/lib/auth/request";
import { canManageMailSettings } from "@/lib/auth/roles";
import { divisionSettingsChoices, getDivision } from "@/lib/divisions/divisions";
import { divisionPgpFingerprint } from "@/lib/divisions/pgp-key";
import { NotFoundError } from "@/lib/errors";
import { Link } from "@/lib/i18n/navigation";
import { countMailboxesByDivision } from "@/lib/mailboxes/counts";
import { listMembers } from "@/lib/members/members";
import { scopeOf } from "@/lib/auth/context";
import { listTeams } from "@/lib/teams/teams";
import { listTemplates } from "@/lib/templates/templates";
import { SettingsBreadcrumb } from "../../breadcrumb";
import { clearDivisionPgpKeyAction, setDivisionPgpKeyAction, updateDivisionSettingsAction } from "./actions";
import { DivisionSettingsForm } from "./division-settings-form";
import { PgpKeySection } from "./pgp-key-section";
import { settingsValues } from "./settings-values";

interface Props {
  params: Promise<{ locale: string; tenant: string; divisionId: string }>;
}

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const locale = setPageLocale((await params).locale);
  const t = await getTranslations({ locale, namespace: "divisionSettings" });
  return { title: t("metaTitle") };
}

export default async function DivisionSettingsPage({ params }: Props) {
  const { locale, tenant, divisionId } = await params;
  setPageLocale(locale);
  const { ctx, run } = await tenantRequest(tenant);
  if (!z.uuid().safeParse(divisionId).success) notFound();

  const loaded = await run(async (tx) => {
    const scope = scopeOf(ctx);
    try {
      const division = await getDivision(tx, scope, divisionId);
      const choices = await divisionSettingsChoices(tx, scope, divisionId);
      const members = await listMembers(tx, scope);
      const mailboxCount = (await countMailboxesByDivision(tx, scope))[divisionId] ?? 0;
      const teamCount = (await listTeams(tx, scope, divisionId)).length;
      const templateCount = (await listTemplates(tx, scope, divisionId)).length;
      const pgpFingerprint = await divisionPgpFingerprint(tx, scope, divisionId);
      return { division, choices, members, mailboxCount, teamCount, templateCount, pgpFingerprint };
    } catch (error) {
      if (error instanceof NotFoundError) return null;
      throw error;
    }
  });
  if (!loaded) notFound();
  const { division, choices, members, mailboxCount, teamCount, templateCount, pgpFingerprint } = loaded;
  const canEdit = canManageMailSettings(ctx.role);

  const t = await getTranslations("divisionSettings");
  const tDivisions = await getTranslations("divisions");
  const tMailboxes = await getTranslations("mailboxes");
  const tOutbox = await getTranslations("outbox");
  const tDispatcher = await getTranslations("dispatcher");
  const tTeams = await getTranslations("teams");
  const tTemplates = await getTranslations("templates");
  const tCanned = await getTranslations("cannedReplies");
  const tMassMail = await getTranslations("massMail");
  const slug = ctx.tenant.slug;

  return (
    <>
      <PageHeader
        eyebrow={
          <SettingsBreadcrumb
            tenant={slug}
            trail={[{ href: `/${slug}/settings/divisions`, label: tDivisions("title") }, { label: division.name }]}
          />
        }
        title={
          <span className="flex flex-wrap items-center gap-3">
            {division.name}
            <Badge tone="brand">
              <span className="font-mono">[{division.tag}#…]</span>
            </Badge>
          </span>
        }
        description={t("description")}
        actions={
          <div className="flex flex-wrap gap-3">
            <Link href={`/${slug}/settings/divisions/${division.id}/mailboxes`} className={buttonClasses("secondary")}>
              <Icon name="envelope" className="size-4.5 text-zinc-500" />
              {tMailboxes("title")}
              <span className="text-zinc-500">{tMailboxes("count", { count: mailboxCount })}</span>
            </Link>
            <Link href={`/${slug}/settings/divisions/${division.id}/outbox`} className={buttonClasses("secondary")}>
              <Icon name="inbox" className="size-4.5 text-zinc-500" />
              {tOutbox("title")}
            </Link>
            <Link href={`/${slug}/settings/divisions/${division.id}/dispatcher`} className={buttonClasses("secondary")}>
              <Icon name="clock" className="size-4.5 text-zinc-500" />
              {tDispatcher("title")}
            </Link>
            <Link href={`/${slug}/settings/divisions/${division.id}/teams`} className={buttonClasses("secondary")}>
              <Icon name="users" className="size-4.5 text-zinc-500" />
              {tTeams("title")}
              <span className="text-zinc-500">{tTeams("count", { count: teamCount })}</span>
            </Link>
            <Link href={`/${slug}/settings/divisions/${division.id}/templates`} className={buttonClasses("secondary")}>
              <Icon name="copy" className="size-4.5 text-zinc-500" />
              {tTemplates("link")}
              <span className="text-zinc-500">{tTemplates("count", { count: templateCount })}</span>
            </Link>
            <Link href={`/${slug}/settings/divisions/${division.id}/canned-replies`} className={buttonClasses("secondary")}>
              <Icon name="envelope" className="size-4.5 text-zinc-500" />
              {tCanned("title")}
            </Link>
            <Link href={`/${slug}/settings/divisions/${division.id}/mass-mail`} className={buttonClasses("secondary")}>
              <Icon name="signal" className="size-4.5 text-zinc-500" />
              {tMassMail("title")}
            </Link>
          </div>
        }
      />
      <DivisionSettingsForm
        divisionId={division.id}
        initial={settingsValues(division)}
        canEdit={canEdit}
        action={updateDivisionSettingsAction.bind(null, slug)}
        knowledgeBases={choices.knowledgeBases}
        templates={choices.unprocessedTemplates}
        mailboxes={choices.mailboxes}
        members={members.map((member) => ({ userId: member.userId, name: member.name, email: member.email }))}
        // The server's list, so that the page and its hydration offer the same zones (ICU's list omits UTC).
        timeZones={["UTC", ...Intl.supportedValuesOf("timeZone")]}
      />
      <div className="mt-8 lg:border-t lg:border-zinc-200 lg:pt-8">
        <PgpKeySection
          divisionId={division.id}
          fingerprint={pgpFingerprint}
          canEdit={canEdit}
          setAction={setDivisionPgpKeyAction.bind(null, slug)}
          clearAction={clearDivisionPgpKeyAction.bind(null, slug)}
        />
      </div>
    </>
  );
}
