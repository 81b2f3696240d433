import { useTranslations } from "next-intl";
import { SettingsBreadcrumb } from "../../../breadcrumb";

/** Settings › Divisions › the division › Teams (› the page within them). */
export function TeamsBreadcrumb({
  tenant,
  division,
  current,
}: {
  tenant: string;
  division: { id: string; name: string };
  /** A page below the team list (a team, "Add a team"); none on the list itself. */
  current?: string;
}) {
  const t = useTranslations("teams");
  const tDivisions = useTranslations("divisions");
  const divisionsHref = `/${tenant}/settings/divisions`;
  return (
    <SettingsBreadcrumb
      tenant={tenant}
      trail={[
        { href: divisionsHref, label: tDivisions("title") },
        { href: `${divisionsHref}/${division.id}`, label: division.name },
        { href: `${divisionsHref}/${division.id}/teams`, label: t("title") },
        ...(current ? [{ label: current }] : []),
      ]}
    />
  );
}
