import { useTranslations } from "next-intl";
import { SettingsBreadcrumb } from "../../breadcrumb";

/** Each section of a division's settings, with the path segment its pages live under. */
const SECTION_PATHS = {
  mailboxes: "mailboxes",
  teams: "teams",
  templates: "templates",
  cannedReplies: "canned-replies",
  massMail: "mass-mail",
  outbox: "outbox",
  dispatcher: "dispatcher",
} as const;

/** Settings › Divisions › the division › a section of it (› the page within it). */
export function DivisionSectionBreadcrumb({
  tenant,
  division,
  section,
  current,
}: {
  tenant: string;
  division: { id: string; name: string };
  section: keyof typeof SECTION_PATHS;
  /** A page below the section's own (a team, "Add a mailbox", a template); none on the section's page. */
  current?: string;
}) {
  const t = useTranslations();
  const divisionsHref = `/${tenant}/settings/divisions`;
  const divisionHref = `${divisionsHref}/${division.id}`;
  return (
    <SettingsBreadcrumb
      tenant={tenant}
      trail={[
        { href: divisionsHref, label: t("divisions.title") },
        { href: divisionHref, label: division.name },
        { href: `${divisionHref}/${SECTION_PATHS[section]}`, label: t(`${section}.title`) },
        ...(current ? [{ label: current }] : []),
      ]}
    />
  );
}
