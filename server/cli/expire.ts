import type { Command } from './command.ts';

export const expireCommand: Command = {
  name: 'expire',
  summary: 'record every label past its end as expired (the sweep servers also run)',
  details: 'Idempotent: a label is recorded once, however often this runs and on however many instances.',
  async run(cli) {
    let total = 0;
    // One sweep takes a bounded batch; repeat until nothing is left.
    for (;;) {
      const swept = await cli.services.registry.sweepExpired();
      if (swept === 0) break;
      total += swept;
    }
    cli.out(total === 1 ? 'Recorded 1 label as expired.' : `Recorded ${total} labels as expired.`);
  },
};
