"use client";

import { useTranslations } from "next-intl";
import { useEffect, useState } from "react";
import { Button } from "@/app/_components/button";
import { errorsFor, FormAlert, TextField } from "@/app/_components/form";
import { useActionForm } from "@/app/_components/use-action-form";
import { useRouter } from "@/lib/i18n/navigation";
import { confirmTwoFactorAction, disableTwoFactorAction, startTwoFactorAction } from "./two-step-actions";

const FIELDS = ["password", "code"];

/**
 * Two-step verification of one's own account: set it up (QR code, the secret as text, a code and
 * the password to confirm, then the recovery codes, shown once), or turn it off. `doneHref`: where
 * "Done" leads after setting it up (a company's page that required it); else this page refreshes.
 * The parent keys it by `enabled`, so that turning it on or off starts it afresh.
 */
export function TwoStepVerification({
  enabled,
  recoveryCodesLeft,
  email,
  doneHref,
}: {
  enabled: boolean;
  recoveryCodesLeft: number;
  email: string;
  doneHref?: string;
}) {
  const t = useTranslations("twoStep");
  const router = useRouter();
  const start = useActionForm(startTwoFactorAction);
  const confirm = useActionForm(confirmTwoFactorAction);
  const disable = useActionForm(disableTwoFactorAction);

  useEffect(() => {
    if (disable.state.ok) router.refresh();
  }, [disable.state, router]);

  const codes = confirm.state.ok ? confirm.state.result?.recoveryCodes : undefined;
  if (codes) return <RecoveryCodes codes={codes} doneHref={doneHref} onDone={() => router.refresh()} />;

  if (enabled) {
    return (
      <form ref={disable.formRef} onSubmit={disable.onSubmit} noValidate className="space-y-5">
        <p className="text-sm text-zinc-700">{t("on", { count: recoveryCodesLeft })}</p>
        <p className="text-sm text-zinc-500">{t("turnOffHelp")}</p>
        <input type="email" name="username" autoComplete="username" value={email} readOnly hidden />
        <ProofFields prefix="off" errors={disable.state.fieldErrors} recoveryAllowed />
        <FormAlert state={disable.state} fields={FIELDS} />
        <Button type="submit" variant="secondary" pending={disable.pending}>
          {t("turnOff")}
        </Button>
      </form>
    );
  }

  const setup = start.state.ok ? start.state.result : undefined;
  if (!setup) {
    return (
      <form ref={start.formRef} onSubmit={start.onSubmit} noValidate className="space-y-5">
        <p className="text-sm text-zinc-700">{t("off")}</p>
        <FormAlert state={start.state} />
        <Button type="submit" pending={start.pending}>
          {t("start")}
        </Button>
      </form>
    );
  }

  return (
    <form ref={confirm.formRef} onSubmit={confirm.onSubmit} noValidate className="space-y-5">
      <ol className="list-decimal space-y-2 pl-5 text-sm text-zinc-700">
        <li>{t("scan")}</li>
        <li>{t("confirm")}</li>
      </ol>
      <div className="flex flex-wrap items-start gap-6">
        {/* A data: URL of an SVG: the pages' content policy allows data: images, and nothing is fetched. */}
        <img src={setup.qrCode} alt={t("qrAlt")} width={192} height={192} className="rounded-lg ring-1 ring-zinc-200" />
        <div className="min-w-0 flex-1 space-y-2 text-sm">
          <p className="text-zinc-500">{t("secretLabel")}</p>
          <code id="totp-secret" className="block break-all rounded-lg bg-zinc-50 px-3 py-2 font-mono text-zinc-900">
            {setup.secret.replace(/(.{4})/g, "$1 ").trim()}
          </code>
          <a href={setup.uri} className="font-medium text-brand-700 hover:text-brand-800">
            {t("openApp")}
          </a>
        </div>
      </div>
      <input type="email" name="username" autoComplete="username" value={email} readOnly hidden />
      <ProofFields prefix="on" errors={confirm.state.fieldErrors} />
      <FormAlert state={confirm.state} fields={FIELDS} />
      <Button type="submit" pending={confirm.pending}>
        {t("turnOn")}
      </Button>
    </form>
  );
}

function ProofFields({
  prefix,
  errors,
  recoveryAllowed = false,
}: {
  prefix: string;
  errors: Record<string, string[]> | undefined;
  recoveryAllowed?: boolean;
}) {
  const t = useTranslations("twoStep");
  return (
    <div className="grid gap-5 sm:grid-cols-2">
      <TextField
        id={`${prefix}-code`}
        name="code"
        inputMode={recoveryAllowed ? "text" : "numeric"}
        autoComplete="one-time-code"
        label={t("code")}
        help={recoveryAllowed ? t("codeOrRecoveryHelp") : t("codeHelp")}
        errors={errorsFor(errors, "code")}
      />
      <TextField
        id={`${prefix}-password`}
        name="password"
        type="password"
        autoComplete="current-password"
        label={t("password")}
        errors={errorsFor(errors, "password")}
      />
    </div>
  );
}

function RecoveryCodes({ codes, doneHref, onDone }: { codes: string[]; doneHref?: string; onDone: () => void }) {
  const t = useTranslations("twoStep");
  const [leaving, setLeaving] = useState(false);
  return (
    <div className="space-y-5">
      <p role="status" className="text-sm font-medium text-emerald-800">
        {t("turnedOn")}
      </p>
      <p className="text-sm text-zinc-700">{t("recoveryCodesHelp", { count: codes.length })}</p>
      <ul id="recovery-codes" className="grid grid-cols-2 gap-2 rounded-lg bg-zinc-50 p-4 font-mono text-sm text-zinc-900">
        {codes.map((code) => (
          <li key={code}>{code}</li>
        ))}
      </ul>
      <Button
        type="button"
        pending={leaving}
        onClick={() => {
          setLeaving(true);
          // A full page load: the company's pages are checked again with this session, now two-factor.
          if (doneHref) window.location.assign(doneHref);
          else onDone();
        }}
      >
        {t("savedCodes")}
      </Button>
    </div>
  );
}
