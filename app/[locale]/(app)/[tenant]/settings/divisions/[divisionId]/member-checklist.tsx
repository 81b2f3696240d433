import { FieldErrors } from "@/app/_components/form";

/** A checkbox for each of the company's members; the ticked ones are sent as the values of `name`. */
export function MemberChecklist({
  name,
  label,
  help,
  members,
  checked,
  errors,
}: {
  name: string;
  label: string;
  help: string;
  members: { userId: string; name: string; email: string }[];
  /** The user ids ticked at first. */
  checked: string[];
  errors: string[];
}) {
  return (
    <fieldset className="space-y-2" aria-describedby={`${name}-help`}>
      <legend className="text-sm font-medium text-zinc-800">{label}</legend>
      <p id={`${name}-help`} className="text-xs leading-5 text-zinc-500">
        {help}
      </p>
      <ul className="mt-2 divide-y divide-zinc-100 rounded-lg ring-1 ring-zinc-200">
        {members.map((member) => (
          <li key={member.userId}>
            <label className="flex cursor-pointer items-center gap-3 px-3 py-2.5 hover:bg-zinc-50">
              <input
                type="checkbox"
                name={name}
                value={member.userId}
                defaultChecked={checked.includes(member.userId)}
                className="size-4 rounded border-zinc-300 accent-brand-600"
              />
              <span className="min-w-0 text-sm">
                <span className="font-medium text-zinc-800">{member.name}</span>
                <span className="ml-2 text-zinc-500">{member.email}</span>
              </span>
            </label>
          </li>
        ))}
      </ul>
      <FieldErrors errors={errors} />
    </fieldset>
  );
}
