import { createRequire as __seedlockCreateRequire } from 'node:module';
const require = __seedlockCreateRequire(import.meta.url);

// src/report/json.ts
var RUN_RESULT_SCHEMA_VERSION = 1;
function runResultJson(report) {
  return `${JSON.stringify({ schemaVersion: RUN_RESULT_SCHEMA_VERSION, ...report })}
`;
}

export {
  runResultJson
};
