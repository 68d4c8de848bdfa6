"use client";

import { ConfirmButton } from "@/components/ui/dialog";

/** "Delete" an environment, after a confirmation that everything inside it is lost. */
export function DeleteButton({ displayName, pending, onConfirm }: { displayName: string; pending: boolean; onConfirm: () => void }) {
  return (
    <ConfirmButton label={pending ? "Deleting…" : "Delete"} title={`Delete ${displayName}?`} confirm="Delete environment" pending={pending} onConfirm={onConfirm}>
      Everything inside it is lost. This cannot be undone.
    </ConfirmButton>
  );
}
