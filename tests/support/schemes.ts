/** The demo's fictional membership programme (contract-17), as an admin would send it. */
export { KOMPASS as kompass } from '../../server/seed.ts';
