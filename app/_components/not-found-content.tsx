import { useTranslations } from "next-intl";
import { Link } from "@/lib/i18n/navigation";
import { buttonClasses } from "./button";
import { Icon } from "./icons";

export function NotFoundContent({ homeHref = "/" }: { homeHref?: string }) {
  const t = useTranslations("notFound");
  return (
    <div className="mx-auto max-w-md py-16 text-center">
      <div className="mx-auto grid size-14 place-items-center rounded-2xl bg-zinc-100 text-zinc-500">
        <Icon name="compass" className="size-7" />
      </div>
      <p className="mt-6 text-sm font-semibold text-brand-600">404</p>
      <h1 className="mt-2 text-2xl font-semibold tracking-tight text-zinc-900">{t("title")}</h1>
      <p className="mt-2 text-sm leading-6 text-zinc-500">{t("description")}</p>
      <Link href={homeHref} className={`${buttonClasses("primary")} mt-8`}>
        {t("home")}
      </Link>
    </div>
  );
}
