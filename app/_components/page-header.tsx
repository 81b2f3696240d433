import type { ReactNode } from "react";

export function PageHeader({
  title,
  description,
  eyebrow,
  actions,
}: {
  title: ReactNode;
  description?: ReactNode;
  /** A breadcrumb or back link above the title. */
  eyebrow?: ReactNode;
  actions?: ReactNode;
}) {
  return (
    <div className="mb-8">
      {eyebrow && <div className="mb-3 text-sm">{eyebrow}</div>}
      <div className="flex flex-wrap items-end justify-between gap-4">
        <div className="min-w-0">
          <h1 className="text-2xl font-semibold tracking-tight text-zinc-900">{title}</h1>
          {description && <p className="mt-1.5 max-w-2xl text-sm text-zinc-500">{description}</p>}
        </div>
        {actions}
      </div>
    </div>
  );
}
