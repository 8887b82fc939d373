import type { PageContext } from '../routes/pages/layout.tsx';
import { Layout, Status } from '../routes/pages/layout.tsx';
import type { Check, VerifyReport } from './verify.ts';

const CHECKS = [
  ['signature', 'Signature'],
  ['issuer', 'Issuer'],
  ['validity', 'Validity'],
  ['status', 'Current status'],
] as const;

const mark = (check: Check) => (check.ok === true ? '✓ passed' : check.ok === false ? '✗ failed' : '– not checked');

/**
 * `GET|POST /verify`: paste or upload anything this issuer signs and read, in plain
 * words, what holds. The form posts to the page itself; no script runs.
 */
export function VerifyPage(props: { page: PageContext; input?: string; report?: VerifyReport; error?: string }) {
  const { page, report } = props;
  return (
    <Layout page={page} title="Verify a credential">
      <h1>Verify a credential</h1>
      <p class="lede">
        Paste or upload a credential of the {page.programmeName} (Open Badges 3.0 JWT or SD-JWT VC), a badge attestation or a status list token, and this issuer checks its signature, its
        issuer, its validity and its status today.
      </p>
      {props.error && (
        <section class="statement statement-revoked" aria-labelledby="verdict">
          <p id="verdict" role="alert">
            <Status status="revoked" text="Could not check:" /> {props.error}
          </p>
        </section>
      )}
      {report && (
        <section class={`statement statement-${report.verdict === 'valid' ? 'valid' : 'revoked'}`} aria-labelledby="verdict">
          <p id="verdict">
            <Status status={report.verdict === 'valid' ? 'valid' : 'revoked'} text={report.verdict === 'valid' ? 'Valid:' : 'Not valid:'} /> {report.summary}
          </p>
          <dl>
            <dt>What it is</dt>
            <dd>{report.kind}</dd>
            {CHECKS.map(([key, name]) => (
              <>
                <dt>{name}</dt>
                <dd>
                  <strong>{mark(report[key])}</strong> — {report[key].text}
                </dd>
              </>
            ))}
          </dl>
        </section>
      )}
      <form class="verify" method="post" action="/verify" enctype="multipart/form-data">
        <p>
          <label for="credential">Credential or token</label>
          <textarea id="credential" name="credential" rows={8} spellcheck={false} autocomplete="off">
            {props.input ?? ''}
          </textarea>
        </p>
        <p>
          <label for="file">…or a file</label> <input id="file" name="file" type="file" accept=".jwt,.sd-jwt,.txt,text/plain" />
        </p>
        <p>
          <button type="submit">Verify</button>
        </p>
      </form>
    </Layout>
  );
}
