import { useTranslations } from "next-intl";
import { SettingsBreadcrumb } from "../../../breadcrumb";

/** Settings › Divisions › the division › Email templates (› a template). */
export function TemplatesBreadcrumb({
  tenant,
  division,
  current,
}: {
  tenant: string;
  division: { id: string; name: string };
  /** A template's name, on its editor; none on the list itself. */
  current?: string;
}) {
  const t = useTranslations("templates");
  const tDivisions = useTranslations("divisions");
  const divisionsHref = `/${tenant}/settings/divisions`;
  const listHref = `${divisionsHref}/${division.id}/templates`;
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
