import { auditVerifyCommand } from './audit.ts';
import { clusterCommands } from './clusters.ts';
import type { Command } from './command.ts';
import { expireCommand } from './expire.ts';
import { keyCommands } from './keys.ts';
import { labelCommands } from './labels.ts';
import { logCommands } from './log.ts';
import { registerCommands } from './register.ts';
import { schemeCommands } from './schemes.ts';
import { tokenCommands } from './tokens.ts';
import { userCommands } from './users.ts';

/** Every command, in the order the overview lists them. */
export const commands: Command[] = [...tokenCommands, ...clusterCommands, ...labelCommands, ...schemeCommands, ...keyCommands, auditVerifyCommand, ...logCommands, expireCommand, ...userCommands, ...registerCommands];
