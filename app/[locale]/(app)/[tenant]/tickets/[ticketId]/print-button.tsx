"use client";

import { useTranslations } from "next-intl";
import { Button } from "@/app/_components/button";
import { Icon } from "@/app/_components/icons";

/** Prints the ticket page; the page's print styles leave only the conversation on paper. */
export function PrintButton() {
  const t = useTranslations("ticket");
  return (
    <Button variant="secondary" size="sm" onClick={() => window.print()} className="print:hidden">
      <Icon name="printer" className="size-4" />
      {t("print")}
    </Button>
  );
}
