import type { StaffInfo } from '../../common/types.js';

/** Placeholder: its issue builds this section of the console. */
export function ReportsPage({ staff }: { staff: StaffInfo }) {
  return <main><h2>ReportsPage</h2><p>{staff.name}</p></main>;
}
