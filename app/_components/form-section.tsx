import type { ReactNode } from "react";
import { Card, CardBody } from "./card";

/** A group of settings: its title and purpose beside (on wide screens) or above its fields. */
export function FormSection({
  title,
  description,
  children,
}: {
  title: string;
  description: ReactNode;
  children: ReactNode;
}) {
  return (
    <section className="grid gap-4 lg:grid-cols-3 lg:gap-8 lg:py-8 lg:first:pt-0">
      <div className="lg:pt-1">
        <h2 className="text-base font-semibold text-zinc-900">{title}</h2>
        <p className="mt-1 text-sm leading-6 text-zinc-500">{description}</p>
      </div>
      <Card className="lg:col-span-2">
        <CardBody className="space-y-6">{children}</CardBody>
      </Card>
    </section>
  );
}
