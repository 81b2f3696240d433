import { useTranslations } from "next-intl";
import { SettingsBreadcrumb } from "../../../breadcrumb";

/** Settings › Divisions › the division › Mailboxes (› the page within them). */
export function MailboxesBreadcrumb({
  tenant,
  division,
  current,
}: {
  tenant: string;
  division: { id: string; name: string };
  /** A page below the mailbox list (a mailbox, "Add a mailbox"); none on the list itself. */
  current?: string;
}) {
  const t = useTranslations("mailboxes");
  const tDivisions = useTranslations("divisions");
  const divisionsHref = `/${tenant}/settings/divisions`;
  const listHref = `${divisionsHref}/${division.id}/mailboxes`;
  return (
    <SettingsBreadcrumb
      tenant={tenant}
      trail={[
        { href: divisionsHref, label: tDivisions("title") },
        { href: `${divisionsHref}/${division.id}`, label: division.name },
        { href: listHref, label: t("title") },
        ...(current ? [{ label: current }] : []),
      ]}
    />
  );
}
