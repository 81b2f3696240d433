import { useTranslations } from "next-intl";
import { Breadcrumb, type BreadcrumbItem } from "@/app/_components/breadcrumb";

/** Knowledge base › a knowledge base (› an article). */
export function KnowledgeBaseBreadcrumb({ tenant, trail }: { tenant: string; trail: BreadcrumbItem[] }) {
  const t = useTranslations("knowledgeBase");
  return <Breadcrumb label={t("title")} items={[{ href: `/${tenant}/knowledge-base`, label: t("title") }, ...trail]} />;
}
