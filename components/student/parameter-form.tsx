"use client";

import Form from "@rjsf/core";
import type { ErrorSchema, RJSFSchema, UiSchema } from "@rjsf/utils";
import validator from "@rjsf/validator-ajv8";
import { useMemo, type ReactNode } from "react";

const UI_SCHEMA: UiSchema = { "ui:options": { label: false }, "ui:submitButtonOptions": { norender: true } };

/**
 * The form react-jsonschema-form generates from a template's parameter schema, checked in the browser with
 * Ajv against the same schema the server checks again. Loaded only for templates that have parameters.
 */
export default function ParameterForm({
  schema,
  formData,
  onChange,
  onSubmit,
  extraErrors,
  disabled,
  children,
}: {
  schema: Record<string, unknown>;
  formData: Record<string, unknown>;
  onChange: (values: Record<string, unknown>) => void;
  onSubmit: (values: Record<string, unknown>) => void;
  extraErrors?: ErrorSchema;
  disabled: boolean;
  children: ReactNode;
}) {
  // One schema object per page, so Ajv compiles its validator once, not on every render.
  const formSchema = useMemo(() => ({ ...schema, title: undefined, description: undefined }) as RJSFSchema, [schema]);
  return (
    <Form
      className="launch-form"
      schema={formSchema}
      uiSchema={UI_SCHEMA}
      validator={validator}
      formData={formData}
      onChange={(event) => onChange(event.formData as Record<string, unknown>)}
      onSubmit={(event) => onSubmit(event.formData as Record<string, unknown>)}
      extraErrors={extraErrors}
      showErrorList={false}
      noHtml5Validate
      focusOnFirstError
      disabled={disabled}
    >
      {children}
    </Form>
  );
}
