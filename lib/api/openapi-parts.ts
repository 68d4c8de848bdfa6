import { refTo } from "./schemas/registry";

/**
 * Pieces every part of the OpenAPI document (lib/api/openapi*.ts) writes its operations with: a JSON body
 * referring to a resource's schema, an error answer, and the shared responses.
 */

type Schema = Parameters<typeof refTo>[0];

export const jsonContent = (schema: object) => ({ "application/json": { schema } });
export const returns = (description: string, schema: Schema) => ({ description, content: jsonContent(refTo(schema)) });
export const takes = (schema: Schema) => ({ required: true, content: jsonContent(refTo(schema)) });
export const error = (description: string) => ({ description, content: jsonContent({ $ref: "#/components/schemas/Error" }) });

export const unauthenticated = { $ref: "#/components/responses/Unauthenticated" };
export const tooLarge = { $ref: "#/components/responses/PayloadTooLarge" };
export const teachersOnly = error("The caller is not a teacher or an admin, or a cookie-authenticated request that changes state came from another site (code FORBIDDEN).");
