/** The console's one stylesheet: plain, legible, printable; served from /admin so the CSP can stay `style-src 'self'`. */
export const CONSOLE_CSS = `
:root { color-scheme: light dark; --fg: #1b1f24; --bg: #fff; --muted: #57606a; --line: #d0d7de; --ok: #1a7f37; --err: #b42318; --accent: #0b5cad; }
@media (prefers-color-scheme: dark) { :root { --fg: #e6edf3; --bg: #0d1117; --muted: #9da7b3; --line: #30363d; --ok: #3fb950; --err: #ff7b72; --accent: #58a6ff; } }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.5 system-ui, sans-serif; color: var(--fg); background: var(--bg); }
a { color: var(--accent); }
.bar { display: flex; flex-wrap: wrap; gap: 1rem; align-items: center; padding: .6rem 1.2rem; border-bottom: 1px solid var(--line); }
.bar nav { display: flex; flex-wrap: wrap; gap: .8rem; flex: 1; }
.brand { font-weight: 600; text-decoration: none; color: inherit; }
.signout { display: flex; gap: .5rem; align-items: center; color: var(--muted); }
main { max-width: 72rem; margin: 0 auto; padding: 1rem 1.2rem 3rem; }
h1 { font-size: 1.5rem; }
h2 { font-size: 1.15rem; margin-top: 2rem; }
.notice { padding: .6rem .9rem; border: 1px solid; border-radius: 4px; font-weight: 500; }
.notice.success { border-color: var(--ok); color: var(--ok); }
.notice.error { border-color: var(--err); color: var(--err); }
table { border-collapse: collapse; width: 100%; margin: .5rem 0 1rem; }
th, td { text-align: left; padding: .35rem .5rem; border-bottom: 1px solid var(--line); vertical-align: top; }
th { font-weight: 600; }
form.stack { display: grid; gap: .7rem; max-width: 34rem; margin: .5rem 0 1.5rem; padding: 1rem; border: 1px solid var(--line); border-radius: 6px; }
form.inline { display: inline; }
label { display: grid; gap: .2rem; }
label span { font-weight: 500; }
small { color: var(--muted); }
input, select, textarea, button { font: inherit; padding: .35rem .5rem; border: 1px solid var(--line); border-radius: 4px; color: inherit; background: var(--bg); }
button { cursor: pointer; border-color: var(--accent); color: var(--accent); font-weight: 600; }
button.danger { border-color: var(--err); color: var(--err); }
pre { white-space: pre-wrap; word-break: break-all; padding: .7rem; border: 1px solid var(--line); border-radius: 4px; }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(12rem, 1fr)); gap: .8rem; }
.cards > div { border: 1px solid var(--line); border-radius: 6px; padding: .6rem .9rem; }
.big { font-size: 1.6rem; font-weight: 600; }
`;
