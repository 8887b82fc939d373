// The admin CLI: `npm run admin -- <command>`. The only CLI file that touches argv, the environment and the exit code.
import { runCli } from './run.ts';

process.exitCode = await runCli(process.argv.slice(2), { env: process.env, stdin: process.stdin, stdout: process.stdout, stderr: process.stderr });
