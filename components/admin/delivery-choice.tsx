import type { CredentialDelivery } from "@/lib/domain/accounts";
import { helpClass } from "@/components/templates/settings-fields";

/** How a new or reset password reaches its person: a radio group. */
export function DeliveryChoice({ name, value, onChange, plural = false }: { name: string; value: CredentialDelivery; onChange: (value: CredentialDelivery) => void; plural?: boolean }) {
  const choices = [
    ["password", plural ? "One-time passwords" : "A one-time password", "Shown once here, to copy and hand over."],
    ["link", plural ? "Set-password links" : "A set-password link", "Valid once, for 24 hours: the person chooses their own password."],
  ] as const;
  return (
    <fieldset className="min-w-0">
      <legend className="text-sm font-medium">How {plural ? "each person gets their" : "the person gets a"} password</legend>
      <div className="mt-1 flex flex-wrap gap-x-6 gap-y-2 text-sm">
        {choices.map(([choice, label, help]) => (
          <label key={choice} className="flex max-w-xs items-start gap-2">
            <input type="radio" name={name} value={choice} checked={value === choice} onChange={() => onChange(choice)} className="mt-1" />
            <span>
              <span className="font-medium">{label}</span>
              <span className={helpClass}>{help}</span>
            </span>
          </label>
        ))}
      </div>
    </fieldset>
  );
}
