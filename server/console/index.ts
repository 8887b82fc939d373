export { consoleRoutes } from './routes.tsx';
export type { ConsoleOptions } from './routes.tsx';
export { readConsoleConfig } from './config.ts';
export type { ConsoleConfig } from './config.ts';
export { Accounts } from './accounts.ts';
export type { User } from './accounts.ts';
