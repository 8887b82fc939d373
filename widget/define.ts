import { ClusterLabel } from './cluster-label.ts';
import { createEnv } from './env.ts';

/**
 * The widget's entry point: registers `<cluster-label>` checking against the origin this
 * script was loaded from. Loading the script twice is harmless.
 */
if (!customElements.get('cluster-label')) {
  customElements.define(
    'cluster-label',
    class extends ClusterLabel {
      static override env = createEnv(new URL(import.meta.url).origin);
    },
  );
}
