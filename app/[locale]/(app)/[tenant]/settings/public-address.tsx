import { getTranslations } from "next-intl/server";
import { Card, CardBody, CardHeader } from "@/app/_components/card";
import { Icon } from "@/app/_components/icons";
import type { PublicAddress, PublicAddressWarning } from "@/lib/app-url";

/**
 * The address links in mail lead to, where it came from, and what looks wrong with it from where
 * this page was opened. It is the server's, not the company's: only the person running Postdesk can
 * change it, so each warning says which setting to change.
 */
export async function PublicAddressCard({
  address,
  warnings,
  requestOrigin,
}: {
  address: PublicAddress;
  warnings: PublicAddressWarning[];
  requestOrigin: string | null;
}) {
  const t = await getTranslations("settings.publicAddress");
  return (
    <Card className="mt-6">
      <CardHeader id="public-address" title={t("title")} description={t("description")} />
      <CardBody className="space-y-3">
        <p className="font-mono text-sm break-all text-zinc-900" data-testid="public-address">
          {address.origin}
        </p>
        <p className="text-sm text-zinc-500">{t(`source.${address.source}`)}</p>
        {warnings.map((warning) => (
          <div
            key={warning}
            role="alert"
            data-testid={`public-address-${warning}`}
            className="flex gap-2 rounded-lg bg-amber-50 px-4 py-3 text-sm text-amber-900 ring-1 ring-amber-200 ring-inset"
          >
            <Icon name="alert" className="mt-0.5 size-4 shrink-0 text-amber-600" />
            <p className="break-words">{t(`warning.${warning}`, { address: address.origin, origin: requestOrigin ?? "" })}</p>
          </div>
        ))}
      </CardBody>
    </Card>
  );
}
