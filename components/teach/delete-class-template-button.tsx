"use client";

import { deleteClassTemplateAction } from "@/app/(staff)/teach/templates/actions";
import { DeleteAndLeave } from "./delete-and-leave";

/** "Delete class template" with a confirmation saying what it does; a refusal is shown in the dialog. */
export function DeleteClassTemplateButton({ name, displayName, catalogs }: { name: string; displayName: string; catalogs: number }) {
  return (
    <DeleteAndLeave
      label="Delete class template"
      title={`Delete ${displayName}?`}
      confirm="Delete"
      action={deleteClassTemplateAction}
      fields={{ name }}
      failure="The class template could not be deleted."
      doneHref={`/teach/templates?done=deleted:${name}`}
    >
      {catalogs === 0 ? "No catalog lists it." : `It leaves ${catalogs === 1 ? "the catalog that lists" : `the ${catalogs} catalogs that list`} it at once, and nobody can launch it any more.`}{" "}
      Environments already running stay until they expire. Its name stays taken.
    </DeleteAndLeave>
  );
}
