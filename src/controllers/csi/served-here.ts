// Work for a driver this process does not serve (its socket is elsewhere, or not there yet) is
// looked at again later rather than dropped: the driver's pod may be starting on this machine.
import type { ControllerContext } from '../types.js';
import { type DriverEndpoints, NOT_SERVED_RETRY_MS } from './driver-endpoints.js';

export async function servedHere(endpoints: DriverEndpoints, driver: string, key: string, ctx: ControllerContext): Promise<boolean> {
  if (await endpoints.serves(driver)) return true;
  ctx.requeueAfter(key, NOT_SERVED_RETRY_MS);
  return false;
}
