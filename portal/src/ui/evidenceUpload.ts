// The files of a form's "files" fields, uploaded (POST /media) when it is sent: the API then takes their ids.
import type { ApiClient } from "../api/client";
import type { FormField, FormValues } from "../cases/actionForms";

export type ChosenFiles = Record<string, File[]>;

/** The values to validate: a files field counts as filled when files are chosen. */
export function withFileCounts(fields: readonly FormField[], values: FormValues, files: ChosenFiles): FormValues {
  const counted = { ...values };
  for (const field of fields) if (field.kind === "files") counted[field.name] = files[field.name]?.length ? "1" : "";
  return counted;
}

/** The values to send: each files field's files uploaded for ``jurisdiction``, their ids one per line. */
export async function uploadFiles(api: ApiClient, fields: readonly FormField[], values: FormValues,
  files: ChosenFiles, jurisdiction: string): Promise<FormValues> {
  const sent = { ...values };
  for (const field of fields) {
    if (field.kind !== "files") continue;
    const ids: string[] = [];
    for (const file of files[field.name] ?? []) ids.push((await api.upload(file, jurisdiction)).id);
    sent[field.name] = ids.join("\n");
  }
  return sent;
}
