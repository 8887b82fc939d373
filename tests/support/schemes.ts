/** The demo's fictional membership programme (contract-17): a scheme shaped like go-cluster membership. */
export const kompass = {
  id: 'kompass',
  kind: 'membership',
  name: { en: 'Kompass Cluster Network', de: 'Kompass-Clusternetzwerk' },
  issuer: 'Kompass Programme Office',
  levels: [{ id: 'member', name: { en: 'Member', de: 'Mitglied' }, validityMonths: 36, renewalMonths: 36, seal: { colour: '#1f5f8b', emblem: 'check' } }],
  rules: { renewalWindowMonths: 6, graceMonths: 0 },
} as const;
