import type { ReactNode } from "react";

/** The card every sign-in, sign-up and invitation screen sits in. */
export function AuthCard({
  title,
  description,
  children,
  footer,
}: {
  title: ReactNode;
  description?: ReactNode;
  children: ReactNode;
  footer?: ReactNode;
}) {
  return (
    <div>
      <div className="rounded-2xl border border-zinc-200 bg-white px-6 py-8 shadow-xl shadow-zinc-900/5 sm:px-10">
        <h1 className="text-2xl font-semibold tracking-tight text-zinc-900">{title}</h1>
        {description && <p className="mt-2 text-sm leading-6 text-zinc-500">{description}</p>}
        <div className="mt-8">{children}</div>
      </div>
      {footer && <p className="mt-6 text-center text-sm text-zinc-500">{footer}</p>}
    </div>
  );
}
