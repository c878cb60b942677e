import type { ValidateFunction } from "ajv";

/** The manifest's JSON Schema as ajv compiled it ahead of time (see test/manifest/schema-validator.test.ts). */
declare const validate: ValidateFunction;
export default validate;
export { validate };
