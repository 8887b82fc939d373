export { importRegister } from './register-import.ts';
export { readRegisterCsv } from './register-import.ts';
export type { ImportOptions, ImportReport, LineDetails, LineError } from './register-import.ts';
export { exportRegister, exportRegisterCsv } from './register-export.ts';
export { backupSqlite } from './backup.ts';
export { slugify } from './slug.ts';
export { CSV_LIMITS, CsvError, CsvParser } from './csv.ts';
export { boundaryOf, MultipartError, MultipartReader } from './multipart.ts';
