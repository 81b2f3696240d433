import { useTranslations } from "next-intl";
import { Breadcrumb, type BreadcrumbItem } from "@/app/_components/breadcrumb";

/** Settings › Section (› Item). */
export function SettingsBreadcrumb({ tenant, trail }: { tenant: string; trail: BreadcrumbItem[] }) {
  const t = useTranslations("settings");
  return <Breadcrumb label={t("breadcrumb")} items={[{ href: `/${tenant}/settings`, label: t("title") }, ...trail]} />;
}
