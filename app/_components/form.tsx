import { type MessageKeys, type NestedKeyOf, useTranslations } from "next-intl";
import type { InputHTMLAttributes, ReactNode, SelectHTMLAttributes, TextareaHTMLAttributes } from "react";
import type { ActionState } from "@/lib/auth/action";
import type { FieldErrors as FieldErrorMap } from "@/lib/errors";
import type messages from "@/messages/en.json";
import { Icon } from "./icons";

/** The error keys of one field, including those of its list items (`spamDomains.2` → `spamDomains`). */
export function errorsFor(fieldErrors: FieldErrorMap | undefined, name: string): string[] {
  if (!fieldErrors) return [];
  const keys = Object.entries(fieldErrors)
    .filter(([field]) => field === name || field.startsWith(`${name}.`))
    .flatMap(([, list]) => list);
  return [...new Set(keys)];
}

type Errors = (typeof messages)["errors"];
/** Message keys under `errors.`, nested ones ("passwordWarning.dates") included. */
type ErrorKey = MessageKeys<Errors, NestedKeyOf<Errors>>;

/** An `errors.` key as a sentence; an unknown key (a newer server) reads as the generic "invalid". */
export function useErrorMessage() {
  const t = useTranslations("errors");
  return (key: string, values?: Record<string, string | number>) =>
    t.has(key as ErrorKey) ? t(key as ErrorKey, values as never) : t("invalid");
}

export function inputClasses(invalid = false): string {
  return (
    "block w-full rounded-lg border bg-white px-3 py-2 text-sm text-zinc-900 shadow-xs placeholder:text-zinc-400 " +
    "focus:outline-none focus:ring-3 disabled:cursor-not-allowed disabled:bg-zinc-50 disabled:text-zinc-500 " +
    (invalid
      ? "border-red-400 focus:border-red-500 focus:ring-red-500/15"
      : "border-zinc-300 focus:border-brand-500 focus:ring-brand-500/15")
  );
}

function describedBy(id: string, help: boolean, errors: boolean): string | undefined {
  return [help && `${id}-help`, errors && `${id}-error`].filter(Boolean).join(" ") || undefined;
}

export function FieldErrors({
  id,
  errors,
  values,
}: {
  id?: string;
  errors: string[];
  values?: Record<string, string | number>;
}) {
  const message = useErrorMessage();
  if (errors.length === 0) return null;
  return (
    <div id={id} className="space-y-0.5" role="alert">
      {errors.map((key) => (
        <p key={key} className="flex items-start gap-1 text-sm text-red-600" data-error={key}>
          <Icon name="alert" className="mt-0.5 size-4 shrink-0" />
          {message(key, values)}
        </p>
      ))}
    </div>
  );
}

interface FieldProps {
  id: string;
  label: ReactNode;
  help?: ReactNode;
  errors?: string[];
  errorValues?: Record<string, string | number>;
}

function FieldFrame({ id, label, help, errors = [], errorValues, children }: FieldProps & { children: ReactNode }) {
  return (
    <div className="space-y-1.5">
      <label htmlFor={id} className="block text-sm font-medium text-zinc-800">
        {label}
      </label>
      {children}
      {help && (
        <p id={`${id}-help`} className="text-xs leading-5 text-zinc-500">
          {help}
        </p>
      )}
      <FieldErrors id={`${id}-error`} errors={errors} values={errorValues} />
    </div>
  );
}

export function TextField({
  id,
  label,
  help,
  errors = [],
  errorValues,
  className = "",
  ...input
}: FieldProps & InputHTMLAttributes<HTMLInputElement>) {
  return (
    <FieldFrame id={id} label={label} help={help} errors={errors} errorValues={errorValues}>
      <input
        id={id}
        aria-invalid={errors.length > 0 || undefined}
        aria-describedby={describedBy(id, Boolean(help), errors.length > 0)}
        className={`${inputClasses(errors.length > 0)} ${className}`}
        {...input}
      />
    </FieldFrame>
  );
}

/**
 * A password being chosen (sign-up, invitation, reset, change): the browser may offer to generate
 * one, and `min` fills the length in the help and in a refusal.
 */
export function NewPasswordField({
  name,
  min,
  ...field
}: Omit<FieldProps, "id" | "errorValues"> & { name: string; min: number; autoFocus?: boolean }) {
  return <TextField id={name} name={name} type="password" autoComplete="new-password" errorValues={{ min }} {...field} />;
}

export function TextAreaField({
  id,
  label,
  help,
  errors = [],
  ...textarea
}: FieldProps & TextareaHTMLAttributes<HTMLTextAreaElement>) {
  return (
    <FieldFrame id={id} label={label} help={help} errors={errors}>
      <textarea
        id={id}
        rows={4}
        aria-invalid={errors.length > 0 || undefined}
        aria-describedby={describedBy(id, Boolean(help), errors.length > 0)}
        className={`${inputClasses(errors.length > 0)} font-mono text-[13px] leading-6`}
        {...textarea}
      />
    </FieldFrame>
  );
}

export function SelectField({
  id,
  label,
  help,
  errors = [],
  children,
  ...select
}: FieldProps & SelectHTMLAttributes<HTMLSelectElement>) {
  return (
    <FieldFrame id={id} label={label} help={help} errors={errors}>
      <select
        id={id}
        aria-invalid={errors.length > 0 || undefined}
        aria-describedby={describedBy(id, Boolean(help), errors.length > 0)}
        className={`${inputClasses(errors.length > 0)} pr-8`}
        {...select}
      >
        {children}
      </select>
    </FieldFrame>
  );
}

export function CheckboxField({
  id,
  label,
  help,
  errors = [],
  ...input
}: FieldProps & Omit<InputHTMLAttributes<HTMLInputElement>, "type">) {
  return (
    <div className="flex gap-3">
      <div className="flex h-5 items-center">
        <input
          id={id}
          type="checkbox"
          aria-describedby={describedBy(id, Boolean(help), errors.length > 0)}
          className="size-4 rounded border-zinc-300 accent-brand-600 disabled:cursor-not-allowed"
          {...input}
        />
      </div>
      <div className="min-w-0 space-y-0.5">
        <label htmlFor={id} className="block text-sm font-medium leading-5 text-zinc-800">
          {label}
        </label>
        {help && (
          <p id={`${id}-help`} className="text-xs leading-5 text-zinc-500">
            {help}
          </p>
        )}
        <FieldErrors id={`${id}-error`} errors={errors} />
      </div>
    </div>
  );
}

/**
 * The form-level outcome: the error of an action (with the field errors that belong to no field on
 * the form), or a success message once it worked.
 */
export function FormAlert({
  state,
  success,
  fields = [],
}: {
  state: ActionState | undefined;
  success?: ReactNode;
  /** Names of the fields the form shows errors next to; errors of other fields are listed here. */
  fields?: string[];
}) {
  const message = useErrorMessage();
  if (!state) return null;
  if (state.ok) {
    return success ? (
      <p role="status" className="flex items-center gap-2 rounded-lg bg-emerald-50 px-3 py-2 text-sm text-emerald-800 ring-1 ring-emerald-200 ring-inset">
        <Icon name="checkCircle" className="size-5 shrink-0 text-emerald-600" />
        {success}
      </p>
    ) : null;
  }
  if (!state.error) return null;
  const belongs = (field: string) => fields.some((name) => field === name || field.startsWith(`${name}.`));
  const entries = Object.entries(state.fieldErrors ?? {});
  const stray = entries.filter(([field]) => !belongs(field)).flatMap(([, keys]) => keys);
  const shownNextToFields = entries.some(([field]) => belongs(field));
  // "Check the fields" says nothing when none of the errors sits next to a field: list them instead.
  const keys = [
    ...new Set(state.error === "invalidInput" && !shownNextToFields && stray.length > 0 ? stray : [state.error, ...stray]),
  ];
  return (
    <div role="alert" className="flex items-start gap-2 rounded-lg bg-red-50 px-3 py-2.5 text-sm text-red-800 ring-1 ring-red-200 ring-inset">
      <Icon name="alert" className="mt-px size-5 shrink-0 text-red-600" />
      <div className="space-y-0.5">
        {keys.map((key) => (
          <p key={key} data-error={key}>
            {message(key, key === state.error ? state.errorValues : undefined)}
          </p>
        ))}
      </div>
    </div>
  );
}
