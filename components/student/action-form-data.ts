/**
 * The form fields the student server actions read: plain fields as given, and launch parameters as
 * `param:<name>` text (the server types them again by the template's schema). Values left empty are not sent,
 * so the server applies the defaults exactly as the browser's form did.
 */
export function actionFormData(fields: Record<string, string>, params: Record<string, unknown> = {}): FormData {
  const data = new FormData();
  for (const [key, value] of Object.entries(fields)) data.append(key, value);
  for (const [name, value] of Object.entries(params)) {
    if (value === undefined || value === null || value === "") continue;
    data.append(`param:${name}`, typeof value === "string" ? value : String(value));
  }
  return data;
}
